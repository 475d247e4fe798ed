"""ZIP codes' centres, states and time zones, from a table that ships with Lantern.

`zip_places.csv.gz`, next to this module, has one row per ZIP code (zip, latitude, longitude,
state, time zone), written from the `zipcodes` package's table (MIT licence; 42,789 ZIP codes)
by `python -m sites.help.zip_table` (with `zipcodes` installed: it is a development tool here,
not a dependency). A worker holds it as a few flat arrays, about 1 MB, rather than the package's
own 40 MB of dictionaries: every worker reads it when a reader first searches by ZIP code.
"""

import array
import bisect
import collections
import csv
import functools
import gzip
import io
from pathlib import Path

TABLE = Path(__file__).with_name("zip_places.csv.gz")
COLUMNS = ["zip", "latitude", "longitude", "state", "time_zone"]


class ZipTable:
    """The table: parallel arrays in ZIP code order, and the few states' and zones' names."""

    def __init__(self, rows):
        """`rows`: (zip, latitude, longitude, state, time zone) in ZIP code order."""
        self.zips = array.array("l")
        self.latitudes = array.array("d")
        self.longitudes = array.array("d")
        self.states = array.array("H")
        self.zones = array.array("H")
        self.names: list[str] = []
        numbers: dict[str, int] = {}

        def number(name: str) -> int:
            if name not in numbers:
                numbers[name] = len(self.names)
                self.names.append(name)
            return numbers[name]

        for zip5, latitude, longitude, state, zone in rows:
            self.zips.append(int(zip5))
            self.latitudes.append(float(latitude))
            self.longitudes.append(float(longitude))
            self.states.append(number(state))
            self.zones.append(number(zone))

    def find(self, zip5: str) -> tuple[float, float, str, str] | None:
        """(latitude, longitude, state, time zone) of a 5-digit ZIP code, or None."""
        key = int(zip5)
        index = bisect.bisect_left(self.zips, key)
        if index == len(self.zips) or self.zips[index] != key:
            return None
        return (
            self.latitudes[index],
            self.longitudes[index],
            self.names[self.states[index]],
            self.names[self.zones[index]],
        )

    def zones_of(self, state: str) -> collections.Counter:
        """How many of a state's ZIP codes keep each time zone."""
        return collections.Counter(
            self.names[zone]
            for code, zone in zip(self.states, self.zones, strict=True)
            if self.names[code] == state and self.names[zone]
        )


@functools.cache
def table() -> ZipTable:
    with gzip.open(TABLE, "rt", encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        if next(reader) != COLUMNS:
            raise ValueError(f"{TABLE.name} does not start with the columns {COLUMNS}")
        return ZipTable(reader)


def write(path: Path = TABLE) -> int:
    """Write the table from the `zipcodes` package's; the number of ZIP codes written."""
    import zipcodes  # the development tool that makes the table, not a dependency

    rows = sorted(
        (row["zip_code"], row["lat"], row["long"], row["state"], row["timezone"] or "")
        for row in zipcodes.list_all()
        if row["lat"] and row["long"]
    )
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    # mtime=0: the same table makes the same file, byte for byte.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as file:
        file.write(text.getvalue().encode("utf-8"))
    return len(rows)


if __name__ == "__main__":
    print(f"{write()} ZIP codes written to {TABLE}")
