"""The library entry point: `lint(paths, config) -> Result`.

discover -> load -> extract -> link -> rules -> suppress. The CLI is a thin layer on top.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from iamlint.config import Config
from iamlint.discover import discover
from iamlint.finding import Finding, Location, Severity
from iamlint.load import SourceFile
from iamlint.model import Model
from iamlint.reading import LoadedFile, load_all
from iamlint.record import field, record
from iamlint.result import Result
from iamlint.rules.registry import Rule

STALE_DATA_DAYS = 365
T = TypeVar("T")


class NoInputError(Exception):
    """No file to lint was found (exit 3)."""


def _gc_paused(function: Callable[..., T]) -> Callable[..., T]:
    """Run `function` with the cyclic garbage collector paused.

    A run builds millions of small objects (documents, the YAML nodes kept for positions,
    Pointers) that all live until it ends; every collection walked them again, which cost
    a third of the time of a 10,000-file run. Reference counting still frees whatever is
    not in a cycle; the collector resumes when the run returns.
    """

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> T:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@record
class LintOptions:
    baseline: str | None = None
    only_files: set[str] | None = None  # report findings only in these (pre-commit)
    extra_findings: list[Finding] = field(default_factory=list)
    # live objects linted with the files (`check --aws`): (ARN, AWS CLI-shaped data)
    extra_documents: list[tuple[str, object]] = field(default_factory=list)
    # import and run every rule, even those with nothing to read (tests compare)
    all_rules: bool = False
    # called as progress(stage, done, total) while files are read and rules run
    progress: Callable[[str, int, int], None] | None = None
    # processes for reading and for rules (`--jobs`): None = the config's `jobs`,
    # 0 = automatic, 1 = this process only
    jobs: int | None = None


@record
class Analysis:
    """Raw findings of a run, before suppression."""

    findings: list[Finding]
    sources: dict[str, SourceFile]
    files: int
    model: Model
    incomplete: bool = False  # a live read failed (X005), whatever the selection
    live_objects: int = 0


def lint(paths: Iterable[str], config: Config, options: LintOptions | None = None) -> Result:
    """Lint files: analyse, then apply inline/config/baseline suppressions."""
    options = options or LintOptions()
    analysis = analyse(paths, config, options)
    return _finish(analysis, config, options)


@_gc_paused
def analyse(paths: Iterable[str], config: Config, options: LintOptions | None = None) -> Analysis:
    """discover -> load -> extract -> link -> rules; raises NoInputError."""
    options = options or LintOptions()
    candidates, problems = discover(list(paths) or ["."], config.exclude)
    if not candidates:
        raise NoInputError("; ".join(problems) or "no JSON or YAML files found")
    model = Model(default_namespace=config.default_namespace)
    sources: dict[str, SourceFile] = {}
    findings: list[Finding] = list(options.extra_findings)
    report = options.progress or _no_progress
    jobs = config.jobs if options.jobs is None else options.jobs
    for done, loaded in enumerate(load_all(candidates, config, jobs), 1):
        findings.extend(_extract_file(loaded, model, sources))
        report("reading", done, len(candidates))
    _extract_live(options.extra_documents, model, sources)
    from iamlint.link import link

    link(model, config)
    findings.extend(model.extraction_findings)
    incomplete = _incomplete(findings)
    rules = select_rules(_with_packs(_rules_for(model, options), config), config)
    findings.extend(run_rules(rules, model, config, report, jobs))
    selected_ids = {r.id for r in rules}
    findings = [f for f in findings if f.rule in selected_ids]
    if options.only_files is not None:
        findings = [f for f in findings if f.location.file in options.only_files]
    return Analysis(
        _dedupe(findings),
        sources,
        len(candidates),
        model,
        incomplete,
        live_objects=len(options.extra_documents),
    )


def _extract_live(
    documents: Iterable[tuple[str, object]], model: Model, sources: dict[str, SourceFile]
) -> None:
    """Each `(source, data)` is one live object: its findings carry `source` (an ARN) as
    their file and no line."""
    from iamlint.load.document import Document
    from iamlint.sources import extract

    for source_name, data in documents:
        source = sources.setdefault(source_name, SourceFile(source_name, live=True))
        extract(Document(source, data, "live"), model)


def _incomplete(findings: list[Finding]) -> bool:
    """A live read failed (X005): what depends on it was not checked."""
    return any(f.rule == "X005" for f in findings)


@_gc_paused
def build_model(paths: Iterable[str], config: Config) -> Model:
    """discover -> load -> extract -> link, without rules (`iamlint trace`)."""
    candidates, problems = discover(list(paths) or ["."], config.exclude)
    if not candidates:
        raise NoInputError("; ".join(problems) or "no JSON or YAML files found")
    model = Model(default_namespace=config.default_namespace)
    sources: dict[str, SourceFile] = {}
    for loaded in load_all(candidates, config, config.jobs):
        _extract_file(loaded, model, sources)
    from iamlint.link import link

    link(model, config)
    return model


def _with_packs(rules: list[Rule], config: Config) -> list[Rule]:
    """Add the configured policy packs' rules; iamlint.packs loads only once a pack is used."""
    if not config.policy_packs and "iamlint.packs" not in sys.modules:
        return rules
    from iamlint.packs import with_packs

    return with_packs(rules, config)


def _rules_for(model: Model, options: LintOptions) -> list[Rule]:
    from iamlint.rules import load_all_rules, rules_for

    if options.all_rules:
        return load_all_rules().sorted()
    return rules_for(model)


def _extract_file(
    loaded: LoadedFile, model: Model, sources: dict[str, SourceFile]
) -> list[Finding]:
    from iamlint.sources import extract

    candidate = loaded.candidate
    sources[candidate.display] = loaded.source
    if loaded.finding is not None:
        return [loaded.finding]
    recognised = False
    for document in loaded.documents:
        recognised = extract(document, model) or recognised
    if not recognised and candidate.explicit and loaded.documents:
        return [
            Finding(
                "X002",
                Severity.INFO,
                "not recognised as any supported input (IAM policy, AWS CLI output, "
                "Kubernetes manifest, Terraform plan, CloudFormation template)",
                Location(candidate.display, 1, 1, 1, 1),
                resource=candidate.display,
            )
        ]
    return []


def select_rules(rules: list[Rule], config: Config) -> list[Rule]:
    def matches(rule: Rule, selectors: list[str]) -> bool:
        return any(rule.id == s.upper() or rule.family == s.upper() for s in selectors)

    chosen = [r for r in rules if not config.select or matches(r, config.select)]
    return [r for r in chosen if not matches(r, config.ignore)]


# Below this many documents the rules run in one process: a fork costs more than it saves.
PARALLEL_MIN_DOCUMENTS = 1000


def run_rules(
    rules: list[Rule],
    model: Model,
    config: Config,
    progress: Callable[[str, int, int], None] | None = None,
    jobs: int | None = 1,
) -> list[Finding]:
    """Every rule's findings, in rule order; rule groups in parallel when it pays."""
    from iamlint.parallel import choose_jobs, run_forked

    count = choose_jobs(jobs, len(model.documents), PARALLEL_MIN_DOCUMENTS)
    if count == 1:
        per_rule = _run_each(rules, model, config, progress)
    else:
        groups = _rule_groups(rules, count)
        tasks = [functools.partial(_run_each, group, model, config) for group in groups]
        tasks[0] = functools.partial(_run_each, groups[0], model, config, progress)
        found: dict[int, list[Finding]] = {}
        for group, results in zip(groups, run_forked(tasks), strict=True):
            found.update(
                (id(rule), findings) for rule, findings in zip(group, results, strict=True)
            )
        per_rule = [found[id(rule)] for rule in rules]
    return [finding for findings in per_rule for finding in findings]


# Seconds each rule family took on bench/'s 10,000 files, each in a forked process of its
# own (cold caches, copy-on-write): the weights that balance rule groups between
# processes. A family stays in one process, as its rules share caches.
FAMILY_COST = {"P": 0.69, "T": 0.41, "K": 0.32, "E": 0.31, "I": 0.17, "A": 0.09, "X": 0.04}
UNKNOWN_FAMILY_COST = 0.01


def _rule_groups(rules: list[Rule], count: int) -> list[list[Rule]]:
    """`count` groups of whole families, the costliest family first into the lightest
    group; each group keeps the rules' order."""
    families: dict[str, list[Rule]] = {}
    for rule in rules:
        families.setdefault(rule.family, []).append(rule)
    groups: list[list[Rule]] = [[] for _ in range(count)]
    loads = [0.0] * count
    by_cost = sorted(families, key=lambda f: -FAMILY_COST.get(f, UNKNOWN_FAMILY_COST))
    for family in by_cost:
        lightest = loads.index(min(loads))
        groups[lightest].extend(families[family])
        loads[lightest] += FAMILY_COST.get(family, UNKNOWN_FAMILY_COST)
    order = {id(rule): index for index, rule in enumerate(rules)}
    return [sorted(group, key=lambda r: order[id(r)]) for group in groups if group]


def _run_each(
    rules: list[Rule],
    model: Model,
    config: Config,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[list[Finding]]:
    """Each rule's findings, one list per rule (a crash is that rule's X004)."""
    from iamlint.rules.base import RuleContext

    context = RuleContext(config)
    per_rule: list[list[Finding]] = []
    for done, rule in enumerate(rules, 1):
        if rule.check is None:
            per_rule.append([])
            continue
        try:
            per_rule.append(list(rule.check(model, context)))
        except Exception as error:  # a rule bug must not lose the other results
            per_rule.append([_crash_finding(rule, error)])
        if progress is not None:
            progress("checking", done, len(rules))
    return per_rule


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _crash_finding(rule: Rule, error: Exception) -> Finding:
    where = getattr(error, "__traceback__", None)
    frame = None
    while where is not None:
        frame = where
        where = where.tb_next
    origin = ""
    if frame is not None:
        origin = f" at {os.path.basename(frame.tb_frame.f_code.co_filename)}:{frame.tb_lineno}"
    return Finding(
        "X004",
        Severity.ERROR,
        f"rule {rule.id} ({rule.name}) crashed: {type(error).__name__}{origin}; "
        "other rules ran; please report this",
        Location("<iamlint>"),
        resource=rule.id,
    )


def _finish(analysis: Analysis, config: Config, options: LintOptions) -> Result:
    from iamlint.baseline import load_baseline
    from iamlint.suppress import apply_suppressions

    baseline = load_baseline(options.baseline) if options.baseline else None
    from iamlint.rules import known_rule_ids

    known = known_rule_ids()
    sources = analysis.sources
    if options.only_files is not None:  # unused comments elsewhere are not this run's business
        sources = {path: s for path, s in sources.items() if path in options.only_files}
    outcome = apply_suppressions(analysis.findings, sources, config, baseline, known)
    kept = outcome.kept + [f for f in outcome.unused if _selected("X007", config)]
    kept.sort(key=Finding.sort_key)
    return Result(
        findings=kept,
        suppressed=outcome.suppressed,
        files=analysis.files,
        live_objects=analysis.live_objects,
        sources=analysis.sources,
        notices=_data_age_notices(),
        incomplete=analysis.incomplete,
    )


def _data_age_notices() -> list[str]:
    """One notice when the shipped AWS action catalogue is over a year old."""
    from iamlint.iam.catalogue import data_age_days, data_info

    try:
        age = data_age_days()
    except (OSError, ValueError):
        return []
    if age <= STALE_DATA_DAYS:
        return []
    return [
        f"the shipped AWS action catalogue is {age} days old ({data_info().get('date')}); "
        "newer actions may be reported as unknown (P004): upgrade iamlint"
    ]


def _selected(rule_id: str, config: Config) -> bool:
    def hit(selectors: list[str]) -> bool:
        return any(
            rule_id == s.upper() or rule_id.rstrip("0123456789") == s.upper() for s in selectors
        )

    return (not config.select or hit(config.select)) and not hit(config.ignore)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, int | None, int | None, str]] = set()
    unique = []
    for f in findings:
        key = (f.rule, f.location.file, f.location.line, f.location.column, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


@_gc_paused
def lint_documents(
    documents: Iterable[tuple[str, object]], config: Config, options: LintOptions | None = None
) -> Result:
    """Lint in-memory documents (live mode): each `(source, data)` is one live object whose
    findings carry `source` (an ARN) as their file and no line."""
    from iamlint.link import link

    options = options or LintOptions()
    model = Model(default_namespace=config.default_namespace)
    sources: dict[str, SourceFile] = {}
    _extract_live(documents, model, sources)
    link(model, config)
    findings = list(options.extra_findings) + list(model.extraction_findings)
    incomplete = _incomplete(findings)
    rules = select_rules(_with_packs(_rules_for(model, options), config), config)
    findings.extend(run_rules(rules, model, config))
    selected_ids = {r.id for r in rules} | {"X005"}
    findings = [f for f in findings if f.rule in selected_ids and _selected(f.rule, config)]
    analysis = Analysis(_dedupe(findings), sources, 0, model, incomplete, live_objects=len(sources))
    return _finish(analysis, config, options)
