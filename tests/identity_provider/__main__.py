"""Runs the identity provider on a free loopback port: `python -m tests.identity_provider`.
Prints its issuer on the first line once it answers, then serves until stopped or until its
standard input closes (the test run that started it has ended, however it ended)."""

import os
import sys
import tempfile
import threading

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # a line per request would drown the test output
        pass


def main() -> None:
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    os.environ["IDP_ISSUER"] = f"http://127.0.0.1:{server.server_port}/o"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.identity_provider.settings"
    with tempfile.TemporaryDirectory() as folder:
        os.environ["IDP_DATABASE"] = os.path.join(folder, "provider.sqlite3")
        import django
        from django.core.management import call_command
        from django.core.wsgi import get_wsgi_application

        django.setup()
        call_command("migrate", verbosity=0)
        server.set_app(get_wsgi_application())
        print(os.environ["IDP_ISSUER"], flush=True)
        threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


if __name__ == "__main__":
    sys.exit(main())
