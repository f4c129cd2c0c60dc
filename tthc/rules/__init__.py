"""Every kind of finding, registered in :data:`tthc.findings.REGISTRY` on import.

Adding a rule is one class in one of these modules; its test is a case in
``tests/rules/`` (``tests/diff_rules/`` for the rules of ``tthc diff``).
"""

from tthc.rules import (  # noqa: F401  (imported for their registrations)
    catalogue_rules,
    decision_rules,
    draft_rules,
    fee_rules,
    placeholder_rules,
    procedure_rules,
    schema_rules,
    text_rules,
    timeline_rules,
    yaml_rules,
)

# isort: split
# Last: the rules of tthc diff follow those of validation in listings (SARIF, tthc rules).
from tthc.rules import announcement_rules  # noqa: F401
