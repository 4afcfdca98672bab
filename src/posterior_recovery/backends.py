"""One shape for every backend family: simulators, emulators, samplers, density estimators.

A backend is a module, chosen by name from the config, that defines

``NAME``
    its name in the config (``simulator.name``, ``emulator.name``, ``sampler.name`` or
    ``density_estimator.name``);
``SETTINGS``
    the part of the config it owns, as JSON-schema properties (key -> schema). A key
    whose schema has a ``default`` may be left out; every other key is required, and a
    key it does not list is an error;
``check(config) -> list[str]`` (optional)
    what the schema cannot say: one message per problem, naming the key and the fix;
``available(settings) -> str | None`` (optional)
    why it cannot run on this machine (a library that is not on the package
    registry), with the install command; None when it can;

and its family's entry points, documented in the family's package: ``make`` for a
simulator, ``build`` and ``load`` for an emulator, ``run`` for a sampler, ``fit`` and
``load`` for a density estimator. A family is a :class:`Registry` of its backend
modules, one line in its package; adding a backend is one module and one entry in that
line (README, "Adding a backend").

Backend modules import their numerical libraries (JAX, blackjax, anesthetic,
margarine, TensorFlow, h5py) inside the functions that use them: the config check
reads every backend's settings and rules before any job starts, and loads none of them.
"""

from __future__ import annotations

import copy
from types import ModuleType

import jsonschema


def key_path(path) -> str:
    """Return a config key as written in messages: ``sampler.name``, ``noise_levels_mK[1]``."""
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


def schema_errors(instance, schema: dict, prefix=()) -> list[str]:
    """Every violation of ``schema`` by ``instance``, as ``key: message`` lines.

    Parameters
    ----------
    instance : object
        The config, or a part of it.
    schema : dict
        A JSON schema (draft 2020-12).
    prefix : sequence, optional
        The key path of ``instance`` within the config, for the messages.

    Returns
    -------
    list of str
        One line per violation, sorted by key; an unknown key's line names the keys
        that are allowed there.
    """
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    lines = []
    for error in errors:
        message = error.message
        if error.validator == "additionalProperties" and "properties" in error.schema:
            message += f"; allowed: {sorted(error.schema['properties'])}"
        lines.append(f"{key_path([*prefix, *error.absolute_path])}: {message}")
    return lines


def settings_schema(settings: dict) -> dict:
    """Return the JSON schema of an object with a backend's ``SETTINGS`` as its properties.

    Parameters
    ----------
    settings : dict
        Key -> JSON schema; keys without a ``default`` are required.

    Returns
    -------
    dict
        An object schema that rejects unknown keys.
    """
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [key for key, schema in settings.items() if "default" not in schema],
        "properties": copy.deepcopy(settings),
    }


class Registry:
    """The backends of one family by name, and the config section that chooses one.

    Parameters
    ----------
    section : str
        The config section whose ``name`` chooses the backend, e.g. ``"sampler"``.
    backends : iterable of module
        The family's backend modules (see the module docstring).
    settings_key : str, optional
        Where a backend's settings live in the section: None for beside ``name`` in the
        section itself, else the key of a mapping inside it (``"options"``).
    check : callable, optional
        A rule of the whole family, ``check(config, backend) -> list[str]``.
    """

    def __init__(self, section: str, backends, *, settings_key=None, check=None):
        self.section = section
        self.settings_key = settings_key
        self.backends = {backend.NAME: backend for backend in backends}
        self._family_check = check

    @property
    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self.backends)

    def __contains__(self, name) -> bool:
        """Whether ``name`` is registered."""
        return name in self.backends

    def get(self, name: str) -> ModuleType:
        """Return the backend module registered as ``name``.

        Raises
        ------
        ValueError
            Naming the config key and the known names, when ``name`` is not registered.
        """
        if name not in self.backends:
            raise ValueError(
                f"{self.section}.name: unknown {self.section} {name!r}; known: {self.names}"
            )
        return self.backends[name]

    def chosen(self, config: dict) -> ModuleType:
        """Return the backend that ``config`` (the whole config) chooses."""
        return self.get(config[self.section]["name"])

    def settings(self, section: dict) -> dict:
        """Return a backend's settings from its config section, with defaults filled in.

        Parameters
        ----------
        section : dict
            The family's config section (``config["sampler"]``), naming the backend.
        """
        backend = self.get(section["name"])
        if self.settings_key is None:
            given = {key: value for key, value in section.items() if key in backend.SETTINGS}
        else:
            given = section.get(self.settings_key) or {}
        defaults = {
            key: copy.deepcopy(schema["default"])
            for key, schema in backend.SETTINGS.items()
            if "default" in schema
        }
        return {**defaults, **given}

    def schema(self, section_schema: dict) -> dict:
        """Return the section's JSON schema, completed by the registry.

        Parameters
        ----------
        section_schema : dict
            The section's own keys (those of every backend), from the workflow's schema.

        Returns
        -------
        dict
            That schema with ``name`` restricted to the registered names and, for each
            backend, its settings where the section keeps them.
        """
        schema = copy.deepcopy(section_schema)
        schema["type"] = "object"
        properties = schema.setdefault("properties", {})
        properties["name"] = {"enum": self.names, "description": f"the {self.section} backend"}
        schema["required"] = sorted({*schema.get("required", []), "name"})
        branches = []
        for name, backend in sorted(self.backends.items()):
            settings = settings_schema(backend.SETTINGS)
            if self.settings_key is None:
                # Beside `name`: each backend's branch lists the section's keys and its
                # own, and rejects any other.
                settings["properties"] = {**properties, **settings["properties"]}
                settings["required"] = sorted({*schema["required"], *settings["required"]})
                then = settings
            else:
                then = {"properties": {self.settings_key: settings}}
            branches.append(
                {"if": {"properties": {"name": {"const": name}}, "required": ["name"]},
                 "then": then}
            )  # fmt: skip
        if self.settings_key is None:
            schema.pop("additionalProperties", None)
        schema["allOf"] = [*schema.get("allOf", []), *branches]
        return schema

    def check(self, config: dict) -> list[str]:
        """Apply the family's rules and the chosen backend's own, on a schema-valid config."""
        backend = self.chosen(config)
        errors = self._family_check(config, backend) if self._family_check else []
        if hasattr(backend, "check"):
            errors += backend.check(config)
        return errors

    def unavailable(self, config: dict) -> list[str]:
        """Why the chosen backend cannot run here (one message), or nothing."""
        backend = self.chosen(config)
        if not hasattr(backend, "available"):
            return []
        reason = backend.available(self.settings(config[self.section]))
        return [reason] if reason else []
