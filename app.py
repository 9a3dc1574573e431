"""`python app.py` starts the dashboard, like `border-dashboard serve` (and takes the same options);
`python app.py summary --nationality china` runs any other command.

Everything lives in the installed package ``border_dashboard`` (``data/`` and ``components/`` here):
`pip install -e .` first. WSGI servers take ``border_dashboard.components.app:create_server()``, or
``app:create_server()`` from this folder.
"""

import sys

from border_dashboard.components.cli import script


def create_server(data_dir: str | None = None, cache_url: str | None = None):
    """The WSGI application (see ``border_dashboard.components.app.create_server``)."""
    from border_dashboard.components.app import create_server as create

    return create(data_dir, cache_url)


if __name__ == "__main__":
    sys.exit(script(sys.argv[1:]))
