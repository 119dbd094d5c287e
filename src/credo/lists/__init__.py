"""Lists: defaulter, serious-violator and red lists; their entries, restrictions and repairs.

Importing the package registers the lists' rule on the record workflow: a fulfilment,
delisting or deletion a furnisher stores lifts the restriction at once
(``records.hooks``; ``lists.service.apply_intake_hook``).
"""

from credo.lists.derive import CATEGORIES as _CATEGORIES
from credo.lists.service import apply_intake_hook as _apply_intake_hook
from credo.records import hooks as _record_hooks

_record_hooks.on_records_changed(_apply_intake_hook, categories=_CATEGORIES)
