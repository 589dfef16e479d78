"""The public rules catalogue: every rule, its severity, what it checks, its basis and its parameters by year."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from ..reference import Parameter
from ..rules import RULES_VERSION, rule_catalogue
from ..services.reference import current_reference

bp = Blueprint("catalogue", __name__)


@bp.route("/rules")
def rules() -> ResponseReturnValue:
    """List every rule of the catalogue, open to everyone (enterprises read it before they file)."""
    ref = current_reference()
    versions: dict[str, list[Parameter]] = {}
    for param in ref.all_params():
        versions.setdefault(param.key, []).append(param)
    entries = rule_catalogue()
    groups: dict[str, list[dict[str, object]]] = {}
    for entry in entries:
        entry["parameter_versions"] = [(key, versions.get(key, [])) for key in entry["parameters"]]
        groups.setdefault(str(entry["id"]).split("-")[0], []).append(entry)
    return render_template("catalogue/rules.html", groups=groups, count=len(entries), rules_version=RULES_VERSION)
