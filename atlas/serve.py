"""`python build.py serve`: build, serve the output on loopback, rebuild and reload on change."""

from __future__ import annotations

import sys

from .pipeline import Project, build
from .problems import ContentError, format_problems


def rebuild(project: Project) -> bool:
    """One rebuild for the watcher; a content error keeps the last good site in place."""
    try:
        report = build(project)
    except ContentError as error:
        print(format_problems(error.problems), file=sys.stderr)
        print(f"{len(error.problems)} problem(s); still serving the last good site.", file=sys.stderr)
        return False
    print(f"rebuilt {report.pages} pages, {report.stats.written} files changed", file=sys.stderr)
    return True


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False) -> int:
    from livereload import Server

    rebuild(project)
    server = Server()
    for folder in (project.content_dir, project.templates_dir, project.locales_dir, project.static_dir):
        server.watch(str(folder), lambda: rebuild(project), delay=0.2)
    print(f"serving {project.output_dir} on http://{host}:{port}/", file=sys.stderr)
    server.serve(host=host, port=port, root=str(project.output_dir), open_url_delay=None if not open_browser else 1)
    return 0
