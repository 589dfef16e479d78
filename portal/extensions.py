"""Unbound extension singletons, bound to the app in ``create_app``."""

from typing import TYPE_CHECKING, cast

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from werkzeug.local import LocalProxy

from .db import Base

db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # db.Model is built at run time from Base (Flask-SQLAlchemy copies its body and adds table naming and
    # binds), so to the type checker the models are declared on Base itself and their columns are typed.
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def current_flask_app() -> Flask:
    """Return the application object behind ``current_app`` (to keep it, or hand it to another thread).

    Flask types its proxy as the application itself, which hides the proxy's own method.
    """
    return cast(LocalProxy[Flask], current_app)._get_current_object()


limiter = Limiter(key_func=get_remote_address, default_limits=[])
