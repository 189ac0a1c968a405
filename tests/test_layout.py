"""The layout: every capability package registers itself through one list in the factory."""

import pkgutil
from importlib import import_module

import app as app_package
from app import CAPABILITIES

#: Packages that hold no views, hooks or commands of their own.
NOT_REGISTERED = {"app.models"}


def test_every_package_registers_through_the_factory_list():
    packages = {f"app.{m.name}" for m in pkgutil.iter_modules(app_package.__path__) if m.ispkg}
    assert packages - NOT_REGISTERED == set(CAPABILITIES)
    for name in CAPABILITIES:
        assert callable(getattr(import_module(name), "register", None)), name


def test_every_blueprint_belongs_to_the_package_that_registers_it(app):
    """A blueprint is defined in the capability package whose register() adds it, so a feature
    is found in one folder."""
    for blueprint in app.blueprints.values():
        package = blueprint.import_name.rsplit(".", 1)[0] if blueprint.import_name.count(".") > 1 \
            else blueprint.import_name
        assert package in CAPABILITIES, (blueprint.name, blueprint.import_name)
