"""Flask extensions, created once here and bound to the app in `create_app`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from app.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = Htmx()
#: Outgoing e-mail (password reset links); sent only where MAIL_SERVER is set.
mail = Mail()
#: No default limits: routes that need throttling ask for it (sign-in counts failures itself).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
