"""When a help service is open: weekly opening hours, as HSDS schedules describe them."""

from wagtail import blocks

DAYS = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]


class WeeklyHoursBlock(blocks.StructBlock):
    """Open on these days from one time to another, in the service's time zone. A closing time
    before the opening time is the next morning's (a night shelter open 6 pm to 8 am)."""

    days = blocks.MultipleChoiceBlock(choices=DAYS, help_text="The days it opens.")
    opens_at = blocks.TimeBlock(help_text="When it opens, e.g. 09:00.")
    closes_at = blocks.TimeBlock(
        help_text="When it closes, e.g. 17:00; before the opening time for the next morning."
    )

    class Meta:
        icon = "time"
        label = "Opening hours"
