"""Objects made from database rows without walking every field in Python.

Django makes each object a query finds with `Model.from_db`, which calls the model's
constructor: a loop in Python over every field, one `setattr` each, through every `__init__`
of the class's ancestors. A Wagtail page has some forty fields of its own and its type's on top;
a story page builds a dozen such objects (the page routed to, the stories its blocks point
to, their pictures and languages): the constructor was about a twelfth of its time, and
making them here takes 5% off its instructions (callgrind, 24.4M to 23.2M).

For a row from the database, what the constructor does comes down to putting each column's
value in the object's `__dict__`, where Django's field attributes read it. That is what is
done here, for the models where it is the same thing:

- every `__init__` in the class's ancestry is one known to do nothing more for a loaded
  object (Django's, modelcluster's, Wagtail's page constructors, which only fill in
  defaults for a page not saved yet, and Wagtail's image's, which sets two attributes that
  are set here too); a model with any other constructor is made as Django makes it;
- a field whose class attribute does work when set (a StreamField turns its JSON into
  blocks, a file field wraps its name) is still set through that attribute;
- Django's `post_init` signal is sent as its constructor sends it (the page cache notes what
  a page shows from it, `sites.caching.tags`); a model with `pre_init` receivers, which take the
  constructor's arguments, is made as Django makes it.

`tests/sites/test_instances.py` compares the objects with Django's, field by field.
"""

import inspect

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

_django_from_db = Model.from_db.__func__

# Django's attributes for a plain field and for a foreign key's id: setting one on a new
# object only puts the value in its __dict__.
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)

_plans: dict[type, tuple | None] = {}


def _known_constructors() -> dict:
    """Constructors known to do nothing more for an object loaded from a row than set its
    fields, each with the attributes it then sets on every object."""
    from modelcluster.models import ClusterableModel
    from wagtail.images.models import AbstractImage
    from wagtail.models.pages import AbstractPage, ShowInMenusMixin

    return {
        Model.__init__: {},
        ClusterableModel.__init__: {},  # child objects passed by keyword; none from a row
        AbstractPage.__init__: {},  # a content type for a page not saved yet (no id)
        ShowInMenusMixin.__init__: {},  # show_in_menus' default for a page not saved yet
        AbstractImage.__init__: {"decorative": False, "contextual_alt_text": None},
    }


def _plan(model) -> tuple | None:
    """The attribute names to set through their class's attributes, and the attributes the
    constructors set after the fields; None when `model` has a constructor not known here
    (its objects are then made by it)."""
    known = _known_constructors()
    extras = {}
    for klass in reversed(model.__mro__):
        constructor = klass.__dict__.get("__init__")
        if klass is object or constructor is None:
            continue
        if constructor not in known:
            return None
        extras.update(known[constructor])
    special = set()
    for field in model._meta.concrete_fields:
        attribute = inspect.getattr_static(model, field.attname, None)
        if type(attribute) not in _PLAIN_ATTRIBUTES and hasattr(type(attribute), "__set__"):
            special.add(field.attname)
    return frozenset(special), tuple(extras.items())


def from_db(cls, db, field_names, values):
    try:
        plan = _plans[cls]
    except KeyError:
        plan = _plans[cls] = _plan(cls)
    if plan is None or pre_init.has_listeners(cls):
        return _django_from_db(cls, db, field_names, values)
    new = cls.__new__(cls)
    state = new._state = ModelState()
    state.adding = False
    state.db = db
    special, extras = plan
    fields = new.__dict__
    fields.update(zip(field_names, values, strict=True))
    for name in special:
        if name in fields:
            setattr(new, name, fields.pop(name))
    post_init.send(sender=cls, instance=new)  # sent by Model.__init__, before its subclasses'
    fields.update(extras)
    return new


def install() -> None:
    """Every model without a `from_db` of its own makes its objects from rows here."""
    Model.from_db = classmethod(from_db)
