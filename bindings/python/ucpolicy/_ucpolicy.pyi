# SPDX-License-Identifier: MIT
# The private SWIG module (generated from bindings/python/ucpolicy_python.i). It is untyped on
# purpose: its functions are the C API one to one, used only by this package, whose public API
# carries the types. Every name is Any to a type checker.
from typing import Any

def __getattr__(name: str) -> Any: ...
