"""When each recurring task is next due, and who is running it: one row a task, shared by every
worker, so that several workers enqueue it once and run it one at a time."""

from django.db import models
from django.utils import timezone


class RecurringTask(models.Model):
    name = models.CharField(max_length=255, unique=True, help_text="The task's module path.")
    due_at = models.DateTimeField(default=timezone.now, help_text="When a worker next enqueues it.")
    held_by = models.CharField(
        max_length=64, blank=True, help_text="The run holding it, while one does."
    )
    held_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Until when that run holds it: a run that died frees it then.",
    )

    def __str__(self):
        return self.name
