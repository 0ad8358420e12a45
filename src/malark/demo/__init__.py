"""`malark demo`: the whole round trip on the built-in example with simulated controllers.
Sits beside the CLI and calls only `malark.api` (and the example's answers)."""

from malark.demo.roundtrip import DemoResult, run_demo

__all__ = ["DemoResult", "run_demo"]
