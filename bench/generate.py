"""A deterministic synthetic repository for the benchmark.

The repository is made of tenants (an account with one EKS cluster: describe-cluster, its
OIDC provider, a node group, the node role and the aws-auth ConfigMap) and applications
(IRSA apps on Kubernetes, ECS services, Terraform stacks). Applications refer to each
other's roles, providers and clusters the way real repositories do, and a few percent of
them are broken on purpose (namespace typos, roles that are not in the inputs, plural
`system:serviceaccounts:`, wildcard permissions, unmapped node roles, Fargate tasks with no
execution role, trailing spaces in images) so that the rules have something to report.

Everything comes from one seeded `random.Random`: the same (files, seed) gives the same
bytes. Most files are 0.5-5 KB, as in real repositories.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

GENERATOR_VERSION = "1"
APPS_PER_TENANT = 40
REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2"]
SERVICES = [
    ("s3", ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"]),
    ("sqs", ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueUrl"]),
    ("dynamodb", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]),
    ("sns", ["sns:Publish", "sns:Subscribe"]),
    ("kms", ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]),
    ("secretsmanager", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]),
    ("logs", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup"]),
    ("ssm", ["ssm:GetParameter", "ssm:GetParametersByPath"]),
]
WORDS = [
    "billing", "orders", "payments", "search", "catalog", "checkout", "inventory", "ledger",
    "reports", "auth", "users", "notify", "mailer", "export", "import", "images", "thumbs",
    "audit", "events", "metrics", "gateway", "pricing", "quotes", "shipping", "returns",
    "reviews", "loyalty", "fraud", "risk", "ingest", "stream", "batch", "cron", "sync",
    "archive",
]
ROLE_ID_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
ECR_PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]


class Repo:
    """Collects `relative path -> text` until the requested number of files is reached."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.files: dict[str, str] = {}

    @property
    def full(self) -> bool:
        return len(self.files) >= self.limit

    def add(self, path: str, text: str) -> None:
        if not self.full:
            self.files[path] = text

    def add_json(self, path: str, data: object, indent: int | None = 2) -> None:
        self.add(path, json.dumps(data, indent=indent) + "\n")


def generate(files: int, seed: int) -> dict[str, str]:
    """The repository's files, `relative path -> text`, exactly `files` of them."""
    rng = random.Random(seed)
    repo = Repo(files)
    tenant_number = 0
    while not repo.full:
        tenant = Tenant(rng, tenant_number)
        tenant.write(repo)
        for app_number in range(APPS_PER_TENANT):
            if repo.full:
                break
            kind = rng.choices(["irsa", "ecs", "terraform"], weights=[60, 25, 15])[0]
            app = App(rng, tenant, app_number)
            {"irsa": app.write_irsa, "ecs": app.write_ecs, "terraform": app.write_terraform}[
                kind
            ](repo)
        tenant_number += 1
    return repo.files


def write_tree(files: int, seed: int, root: Path) -> Path:
    """Generate into `root/n<files>-s<seed>` unless a complete copy is already there."""
    target = root / f"n{files}-s{seed}"
    marker = target / ".complete"
    if marker.exists() and marker.read_text() == GENERATOR_VERSION:
        return target
    if target.exists():
        shutil.rmtree(target)
    for relative, text in generate(files, seed).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    marker.write_text(GENERATOR_VERSION)
    return target


def identity_policy_paths(tree: Path) -> list[Path]:
    """The bare identity policies: the work parliament and iamlint share."""
    return sorted((tree / "policies").rglob("*.json"))


class Tenant:
    """One account with one EKS cluster."""

    def __init__(self, rng: random.Random, number: int) -> None:
        self.rng = rng
        self.number = number
        self.account = f"{100000000000 + number * 7919:012d}"
        self.region = REGIONS[number % len(REGIONS)]
        self.cluster = f"{rng.choice(WORDS)}-{['prod', 'staging', 'dev'][number % 3]}-{number}"
        self.oidc_id = "".join(rng.choice("0123456789ABCDEF") for _ in range(32))
        self.issuer = f"oidc.eks.{self.region}.amazonaws.com/id/{self.oidc_id}"
        self.provider_arn = f"arn:aws:iam::{self.account}:oidc-provider/{self.issuer}"
        self.node_role = f"{self.cluster}-node"
        self.dir = f"accounts/{self.account}"

    def role_arn(self, name: str) -> str:
        return f"arn:aws:iam::{self.account}:role/{name}"

    def registry(self) -> str:
        return f"{self.account}.dkr.ecr.{self.region}.amazonaws.com"

    def write(self, repo: Repo) -> None:
        repo.add_json(f"{self.dir}/eks/{self.cluster}.json", self._describe_cluster())
        repo.add_json(f"{self.dir}/iam/oidc-provider.json", self._provider())
        repo.add_json(f"{self.dir}/eks/{self.cluster}-nodegroup.json", self._nodegroup())
        node_trust = service_trust("ec2.amazonaws.com")
        policies = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"]
        if self.rng.random() < 0.85:  # else the node role cannot pull from ECR (E001)
            policies.append("AmazonEC2ContainerRegistryReadOnly")
        repo.add_json(
            f"{self.dir}/iam/roles/{self.node_role}.json",
            get_role(self, self.node_role, node_trust, policies),
        )
        repo.add(f"clusters/{self.cluster}/aws-auth.yaml", self._aws_auth())

    def _describe_cluster(self) -> dict[str, object]:
        mode = self.rng.choice(["CONFIG_MAP", "API_AND_CONFIG_MAP"])
        return {
            "cluster": {
                "name": self.cluster,
                "arn": f"arn:aws:eks:{self.region}:{self.account}:cluster/{self.cluster}",
                "createdAt": "2025-01-14T09:12:44.512000+00:00",
                "version": "1.31",
                "endpoint": f"https://{self.oidc_id}.gr7.{self.region}.eks.amazonaws.com",
                "roleArn": self.role_arn(f"{self.cluster}-cluster"),
                "resourcesVpcConfig": {
                    "subnetIds": [f"subnet-{self.rng.getrandbits(32):08x}" for _ in range(3)],
                    "securityGroupIds": [f"sg-{self.rng.getrandbits(32):08x}"],
                    "endpointPublicAccess": False,
                    "endpointPrivateAccess": True,
                },
                "identity": {"oidc": {"issuer": f"https://{self.issuer}"}},
                "status": "ACTIVE",
                "platformVersion": "eks.12",
                "accessConfig": {"authenticationMode": mode},
                "tags": {"team": self.cluster.split("-")[0], "managed-by": "terraform"},
            }
        }

    def _provider(self) -> dict[str, object]:
        return {
            "Url": self.issuer,
            "ClientIDList": ["sts.amazonaws.com"],
            "ThumbprintList": ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
            "CreateDate": "2025-01-14T09:40:02.118000+00:00",
            "Tags": [],
        }

    def _nodegroup(self) -> dict[str, object]:
        return {
            "nodegroup": {
                "nodegroupName": "general",
                "nodegroupArn": f"arn:aws:eks:{self.region}:{self.account}:nodegroup/"
                f"{self.cluster}/general/{self.rng.getrandbits(64):016x}",
                "clusterName": self.cluster,
                "version": "1.31",
                "status": "ACTIVE",
                "capacityType": "ON_DEMAND",
                "instanceTypes": ["m6i.large"],
                "nodeRole": self.role_arn(self.node_role),
                "scalingConfig": {"minSize": 2, "maxSize": 6, "desiredSize": 3},
            }
        }

    def _aws_auth(self) -> str:
        mapped_node = self.rng.random() < 0.9  # else A005: the node role is not mapped
        entries = []
        if mapped_node:
            entries.append(
                f"    - rolearn: {self.role_arn(self.node_role)}\n"
                "      username: system:node:{{EC2PrivateDNSName}}\n"
                "      groups:\n        - system:bootstrappers\n        - system:nodes\n"
            )
        admin_group = "system:masters" if self.rng.random() < 0.3 else "platform-admins"
        entries.append(
            f"    - rolearn: {self.role_arn('platform-admin')}\n"
            "      username: platform-admin\n"
            f"      groups:\n        - {admin_group}\n"
        )
        for team in self.rng.sample(WORDS, 3):
            entries.append(
                f"    - rolearn: {self.role_arn(team + '-developers')}\n"
                f"      username: {team}-developer\n      groups:\n        - {team}-edit\n"
            )
        return (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n"
            "  namespace: kube-system\ndata:\n  mapRoles: |\n" + "".join(entries)
        )


class App:
    """One application of a tenant: its role, policies and workload."""

    def __init__(self, rng: random.Random, tenant: Tenant, number: int) -> None:
        self.rng = rng
        self.tenant = tenant
        self.name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{number}"
        self.namespace = rng.choice(WORDS)
        self.role = f"{self.name}-role"
        self.broken = rng.random()  # < 0.1: this app carries one mistake

    def _identity_policy(self) -> dict[str, object]:
        statements: list[dict[str, object]] = []
        for service, actions in self.rng.sample(SERVICES, self.rng.randint(2, 5)):
            chosen = sorted(self.rng.sample(actions, self.rng.randint(1, len(actions))))
            statement: dict[str, object] = {
                "Sid": f"{service.capitalize()}Access",
                "Effect": "Allow",
                "Action": chosen,
                "Resource": [self._resource(service, n) for n in range(self.rng.randint(1, 3))],
            }
            if self.rng.random() < 0.3:
                statement["Condition"] = {
                    "StringEquals": {"aws:RequestedRegion": self.tenant.region},
                    "Bool": {"aws:SecureTransport": "true"},
                }
            statements.append(statement)
        if 0.02 <= self.broken < 0.04:
            everything = {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}
            statements.append(everything)
        return {"Version": "2012-10-17", "Statement": statements}

    def _resource(self, service: str, number: int) -> str:
        name = f"{self.name}-{number}"
        if service == "s3":
            return f"arn:aws:s3:::{name}-data/*"
        prefix = f"arn:aws:{service}:{self.tenant.region}:{self.tenant.account}"
        resource = {
            "dynamodb": f"table/{name}",
            "kms": f"key/{self.rng.getrandbits(128):032x}",
            "secretsmanager": f"secret:{name}-??????",
            "logs": f"log-group:/app/{name}:*",
            "ssm": f"parameter/{name}/*",
        }.get(service, name)
        return f"{prefix}:{resource}"

    def _irsa_trust(self) -> dict[str, object]:
        namespace = self.namespace
        prefix = "system:serviceaccount"
        if self.broken < 0.02:
            namespace = namespace[:-1]  # a typo: I001
        elif 0.04 <= self.broken < 0.05:
            prefix = "system:serviceaccounts"  # T007
        issuer = self.tenant.issuer
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": self.tenant.provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{issuer}:sub": f"{prefix}:{namespace}:{self.name}",
                            f"{issuer}:aud": "sts.amazonaws.com",
                        }
                    },
                }
            ],
        }

    def _image(self) -> str:
        tag = f"{self.rng.randint(1, 9)}.{self.rng.randint(0, 30)}.0"
        image = f"{self.tenant.registry()}/{self.name}:{tag}"
        return image + " " if 0.05 <= self.broken < 0.06 else image  # K008

    def write_irsa(self, repo: Repo) -> None:
        tenant = self.tenant
        role_defined = not (0.06 <= self.broken < 0.08)  # else X006: role not in the inputs
        if role_defined:
            repo.add_json(
                f"{tenant.dir}/iam/roles/{self.role}.json",
                get_role(tenant, self.role, self._irsa_trust(), []),
            )
        repo.add_json(f"policies/{tenant.account}/{self.name}.json", self._identity_policy())
        manifests = [self._service_account(), self._deployment()]
        base = f"clusters/{tenant.cluster}/{self.namespace}/{self.name}"
        if self.rng.random() < 0.5:
            repo.add(f"{base}.yaml", "---\n".join(manifests))
        else:
            repo.add(f"{base}-sa.yaml", manifests[0])
            repo.add(f"{base}-deployment.yaml", manifests[1])
        if self.rng.random() < 0.3:
            repo.add_json(f"{tenant.dir}/ecr/{self.name}.json", self._repository_policy())

    def _service_account(self) -> str:
        return (
            f"# Source: {self.name}/templates/serviceaccount.yaml\n"
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
            f"  name: {self.name}\n  namespace: {self.namespace}\n"
            f"  labels:\n    app.kubernetes.io/name: {self.name}\n"
            "    app.kubernetes.io/managed-by: Helm\n"
            f"  annotations:\n    eks.amazonaws.com/role-arn: {self.tenant.role_arn(self.role)}\n"
        )

    def _deployment(self) -> str:
        env = "".join(
            f"            - name: {key}\n              value: \"{value}\"\n"
            for key, value in [
                ("LOG_LEVEL", self.rng.choice(["info", "debug", "warn"])),
                ("AWS_REGION", self.tenant.region),
                ("QUEUE_NAME", f"{self.name}-queue"),
                ("TABLE_NAME", f"{self.name}-table"),
            ][: self.rng.randint(2, 4)]
        )
        return (
            f"# Source: {self.name}/templates/deployment.yaml\n"
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            f"  name: {self.name}\n  namespace: {self.namespace}\n"
            f"  labels:\n    app.kubernetes.io/name: {self.name}\n"
            f"spec:\n  replicas: {self.rng.randint(1, 6)}\n"
            f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {self.name}\n"
            "  template:\n    metadata:\n      labels:\n"
            f"        app.kubernetes.io/name: {self.name}\n"
            f"    spec:\n      serviceAccountName: {self.name}\n"
            "      securityContext:\n        runAsNonRoot: true\n        fsGroup: 65534\n"
            "      containers:\n"
            f"        - name: {self.name.split('-')[0]}\n"
            f"          image: \"{self._image()}\"\n"
            "          ports:\n            - containerPort: 8080\n              name: http\n"
            f"          env:\n{env}"
            "          resources:\n"
            f"            requests: {{cpu: {self.rng.choice([100, 250, 500])}m, memory: 256Mi}}\n"
            "            limits: {memory: 512Mi}\n"
            "          readinessProbe:\n            httpGet: {path: /healthz, port: http}\n"
            "            periodSeconds: 10\n"
        )

    def _repository_policy(self) -> dict[str, object]:
        principal = self.tenant.role_arn(self.tenant.node_role)
        if 0.08 <= self.broken < 0.09:  # an instance profile as principal: E003
            principal = f"arn:aws:iam::{self.tenant.account}:instance-profile/{self.name}"
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "NodePull",
                    "Effect": "Allow",
                    "Principal": {"AWS": principal},
                    "Action": ECR_PULL,
                },
                {
                    "Sid": "CiPush",
                    "Effect": "Allow",
                    "Principal": {"AWS": self.tenant.role_arn("ci-image-publisher")},
                    "Action": [*ECR_PULL, "ecr:PutImage", "ecr:InitiateLayerUpload",
                               "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"],
                },
            ],
        }
        return {
            "registryId": self.tenant.account,
            "repositoryName": self.name,
            "policyText": json.dumps(policy, indent=2),
        }

    def write_ecs(self, repo: Repo) -> None:
        tenant = self.tenant
        task_role = f"{self.name}-task"
        execution_role = f"{self.name}-execution"
        trust = service_trust("ecs-tasks.amazonaws.com")
        if self.rng.random() < 0.85:  # else T017: no confused-deputy condition
            trust["Statement"][0]["Condition"] = {  # type: ignore[index]
                "StringEquals": {"aws:SourceAccount": tenant.account}
            }
        task_role_file = f"{tenant.dir}/iam/roles/{task_role}.json"
        repo.add_json(task_role_file, get_role(tenant, task_role, trust, []))
        with_execution_role = not (0.08 <= self.broken < 0.1)  # else F001 on Fargate
        if with_execution_role:
            repo.add_json(
                f"{tenant.dir}/iam/roles/{execution_role}.json",
                get_role(
                    tenant, execution_role, trust, ["service-role/AmazonECSTaskExecutionRolePolicy"]
                ),
            )
        repo.add_json(f"policies/{tenant.account}/{self.name}-task.json", self._identity_policy())
        task = {
            "family": self.name,
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "512",
            "memory": "1024",
            "taskRoleArn": tenant.role_arn(task_role),
            "containerDefinitions": [
                {
                    "name": self.name.split("-")[0],
                    "image": self._image().strip(),
                    "essential": True,
                    "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
                    "environment": [
                        {"name": "AWS_REGION", "value": tenant.region},
                        {"name": "SERVICE", "value": self.name},
                    ],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": f"/ecs/{self.name}",
                            "awslogs-region": tenant.region,
                            "awslogs-stream-prefix": self.name,
                        },
                    },
                }
            ],
        }
        if with_execution_role:
            task["executionRoleArn"] = tenant.role_arn(execution_role)
        repo.add_json(f"services/{self.name}/task-definition.json", task)

    def write_terraform(self, repo: Repo) -> None:
        trust = json.dumps(self._irsa_trust(), indent=2)
        policy = json.dumps(self._identity_policy(), indent=2)
        role_values = {
            "assume_role_policy": trust,
            "description": f"IRSA role for {self.namespace}/{self.name}",
            "force_detach_policies": False,
            "max_session_duration": 3600,
            "name": self.role,
            "path": "/",
            "permissions_boundary": None,
            "tags": {"managed-by": "terraform", "app": self.name},
        }
        inline_values = {"name": f"{self.name}-access", "policy": policy, "role": self.role}
        resources = [
            _tf_resource("aws_iam_role", "this", role_values),
            _tf_resource("aws_iam_role_policy", "access", inline_values),
        ]
        plan = {
            "format_version": "1.2",
            "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": [
                {
                    "address": r["address"],
                    "mode": "managed",
                    "type": r["type"],
                    "name": r["name"],
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "change": {
                        "actions": ["create"],
                        "before": None,
                        "after": r["values"],
                        "after_unknown": {"arn": True, "id": True, "unique_id": True},
                        "before_sensitive": False,
                        "after_sensitive": {},
                    },
                }
                for r in resources
            ],
            "timestamp": "2025-03-11T10:12:44Z",
            "applyable": True,
            "complete": True,
            "errored": False,
        }
        repo.add_json(f"terraform/{self.tenant.cluster}/{self.name}/tfplan.json", plan)
        manifests = [self._service_account(), self._deployment()]
        manifest_file = f"clusters/{self.tenant.cluster}/{self.namespace}/{self.name}.yaml"
        repo.add(manifest_file, "---\n".join(manifests))


def _tf_resource(kind: str, name: str, values: dict[str, object]) -> dict[str, object]:
    return {
        "address": f"{kind}.{name}",
        "mode": "managed",
        "type": kind,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "schema_version": 0,
        "values": values,
        "sensitive_values": {},
    }


def service_trust(service: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def get_role(
    tenant: Tenant, name: str, trust: dict[str, object], managed: list[str]
) -> dict[str, object]:
    """`aws iam get-role` output, with the role's policy lists as the authorization
    details print them (so that permission checks know the whole role)."""
    role = {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROA" + "".join(tenant.rng.choice(ROLE_ID_LETTERS) for _ in range(17)),
        "Arn": tenant.role_arn(name),
        "CreateDate": "2025-02-03T11:22:33Z",
        "AssumeRolePolicyDocument": trust,
        "Description": f"role for {name}",
        "MaxSessionDuration": 3600,
        "RolePolicyList": [],
        "AttachedManagedPolicies": [
            {"PolicyName": p.rsplit("/", 1)[-1], "PolicyArn": f"arn:aws:iam::aws:policy/{p}"}
            for p in managed
        ],
        "InstanceProfileList": [],
        "Tags": [{"Key": "managed-by", "Value": "terraform"}],
    }
    return {"Role": role}


def iter_sizes(files: dict[str, str]) -> Iterator[int]:
    return (len(text.encode()) for text in files.values())
