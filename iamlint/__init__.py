"""iamlint: static linter for AWS identity wiring of Kubernetes and container workloads."""

__version__ = "0.1.0"
