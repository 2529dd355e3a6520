"""netfence: set up and prove zero-trust NetworkPolicy isolation for AI workloads."""

__version__ = "0.1.0"
