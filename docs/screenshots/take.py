"""Takes the screenshots in this folder: each demo site's home page on a phone and a desktop.

Run against a demo served locally (`make demo`, or `manage.py runserver` after `load_demo`):

    python docs/screenshots/take.py --port 8000

Needs Playwright for Python and a Chromium (Debian's: /usr/bin/chromium). Each PNG is the
first two screens of the page at the device's size, reduced to a palette so it stays small.
"""

import argparse
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
SITES = {
    "network": "localhost",
    "harbor": "harbor.localhost",
    "passage": "passage.localhost",
    "pines": "pines.localhost",
    "ridge": "ridge.localhost",
}
VIEWPORTS = {"phone": (390, 844), "desktop": (1440, 900)}
SCREENS = 2  # how many screens down each picture goes: the first two, not the whole page
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def shoot(port: int, chromium: str, out: Path = HERE, only: str | None = None) -> list[Path]:
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        for device, (width, height) in VIEWPORTS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=1,
                is_mobile=device == "phone",
                has_touch=device == "phone",
            )
            for name, host in SITES.items():
                if only and name != only:
                    continue
                page = context.new_page()
                page.goto(f"http://{host}:{port}/en/", wait_until="networkidle")
                clip = {"x": 0, "y": 0, "width": width, "height": height * SCREENS}
                png = page.screenshot(full_page=True, clip=clip)
                page.close()
                path = out / f"{name}-{device}.png"
                # A 256-colour palette keeps each file well under 300 KB.
                image = Image.open(io.BytesIO(png)).convert("RGB")
                image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
                    path, optimize=True
                )
                taken.append(path)
            context.close()
        browser.close()
    return taken


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--only", help="one site: network, harbor, passage, pines or ridge")
    options = parser.parse_args()
    for path in shoot(options.port, options.chromium, options.out, options.only):
        print(f"{path.name}: {path.stat().st_size // 1024} KB")
