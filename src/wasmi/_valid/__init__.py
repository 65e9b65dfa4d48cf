"""Validation (spec chapter 3): :func:`validate_module` checks a syntax tree and raises
:class:`wasmi.ValidationError` with the spec's wording."""

from __future__ import annotations

from .module import check_const, validate_module

__all__ = ["validate_module", "check_const"]
