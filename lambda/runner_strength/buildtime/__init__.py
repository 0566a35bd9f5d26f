"""Build-time code: runs on a developer's machine or in CI, never on Lambda.

The content loader and validator (YAML -> `Library` -> `data/library.json`), the interaction-model
generator and the bundle builder live here. The Lambda bundle leaves this package out, and
import-linter keeps the code that answers requests from importing it.
"""
