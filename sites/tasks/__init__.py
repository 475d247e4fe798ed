"""Lantern's background work: the worker that runs tasks, and the tasks that come round again.

Each capability defines its own tasks in its `tasks.py` with django-tasks' `@task()`, as Wagtail
does (sites.content.tasks: renditions on publish and scheduled publishing; sites.help.tasks:
imports started from the admin). Where they run is one setting, TASKS_BACKEND: at once in the
process that enqueues them ("immediate", the default of `make demo` and the tests), or on
`manage.py run_worker` ("database", django-tasks-db), which also enqueues the recurring tasks
(`sites.tasks.recurring`) when they are due. This app imports none of its callers: it finds
their `tasks` modules as Wagtail finds `wagtail_hooks`.
"""
