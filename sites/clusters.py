"""modelcluster's child relations, worked out once per model instead of once per object.

Every Wagtail page is a `ClusterableModel`, whose constructor lists the model's child
relations to see whether any was passed in: it goes through all of the model's fields, and a
page has well over a hundred (every model with a foreign key to pages adds one). That was
about 25 µs of each page object made from a database row, a tenth of a millisecond or more
of every reader page. The list only changes when the model's fields do, and Django hands out
a new `get_fields()` list whenever they do, so the answer is kept beside the list it was
worked out from.
"""

from weakref import WeakKeyDictionary

import modelcluster.models
from modelcluster.fields import ParentalKey, ParentalManyToManyField

_found: WeakKeyDictionary = WeakKeyDictionary()  # model -> (its get_fields(), relations, m2m)


def _of(model) -> tuple:
    model = model if isinstance(model, type) else type(model)
    fields = model._meta.get_fields()  # Django's own cached list, new when the fields change
    found = _found.get(model)
    if found is None or found[0] is not fields:
        found = (
            fields,
            [field for field in fields if isinstance(field.remote_field, ParentalKey)],
            [field for field in fields if isinstance(field, ParentalManyToManyField)],
        )
        _found[model] = found
    return found


def get_all_child_relations(model) -> list:
    return list(_of(model)[1])


def get_all_child_m2m_relations(model) -> list:
    return list(_of(model)[2])


def install() -> None:
    """modelcluster's own functions, as its models module calls them, answer from here."""
    modelcluster.models.get_all_child_relations = get_all_child_relations
    modelcluster.models.get_all_child_m2m_relations = get_all_child_m2m_relations
