"""Colorizing like a reference photo: what a reference of the same scene, or of another, gains.

On photos-val, full size, dataset PSNR (the squared error pooled over the set) of
(a) the colorizer alone, (b) with a reference of the same scene, standing in for
another photo of it: the true photo mirrored and cut to a random window whose sides
are 70 % of the photo's, and (c) with an unrelated reference, the next photo of the
list. Reports the gains of (b) and (c) over (a), and the seconds of one 768×512
photo with and without a reference. How the variant is chosen is written in
``records/reference_rule.md``; every variant's figures go to ``records/reference.json``.

    python benchmarks/reference.py --calibrate    # photos-train: the confidence's similarity ranges
    python benchmarks/reference.py --search       # 40 photos-val photos, every variant; the choice
    python benchmarks/reference.py --final        # all 175 photos, the chosen variant

Data from ``$SKCOLOR_DATA`` or ``../shared/data`` (read-only).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (DATA, load_average, machine_info, make_logger, markdown_table,  # noqa: E402
                     write_json)
from photos import load_set  # noqa: E402

from skcolor.color import COLOR_SPACES, rgb_to_gray  # noqa: E402
from skcolor._colorizer._inference import working_size_for  # noqa: E402
from skcolor._colorizer._reference import (SIMILARITY_RANGES, colorize_with_reference,  # noqa: E402
                                           match_reference, reference_features)

RECORDS = Path(__file__).resolve().parent / "records"
RECORD = RECORDS / "reference.json"
CALIBRATION_RECORD = RECORDS / "reference_calibration.json"
SUMMARY = RECORDS / "reference.md"
MODEL = "runs/lite0.round10.keras"
#: Sides of the (b) reference's window, as a share of the photo's.
WINDOW_SIDE = 0.7
#: The search's subset: every 4th photo of the sorted list, the first 40.
SUBSET = slice(0, 160, 4)
#: Time ratio, (c) gain on the subset and tie margin of the rule (records/reference_rule.md).
MAX_TIME_RATIO, MIN_UNRELATED_GAIN, TIE_DB = 2.0, -0.2, 0.1
USE_ORDER = ("blend", "hints", "both")
TIMING_REPEATS = 15
CALIBRATION_PHOTOS = 60
#: Where the unrelated photos' 95th percentile reaches the matched places' median,
#: the confidence rises over this width above the percentile instead.
DEGENERATE_WIDTH = 0.1

log = make_logger("reference")


def flipped_window(rgb, random_state, *, side=WINDOW_SIDE):
    """``rgb`` mirrored left-right and cut to a random window of ``side`` × its sides.

    Returns
    -------
    window : ndarray of shape (h, w, 3)
    box : tuple of int
        ``(top, left, h, w)`` of the window in the mirrored photo.
    """
    height, width = rgb.shape[:2]
    rows, cols = max(1, round(height * side)), max(1, round(width * side))
    top = random_state.randint(0, height - rows + 1)
    left = random_state.randint(0, width - cols + 1)
    window = np.ascontiguousarray(rgb[:, ::-1][top:top + rows, left:left + cols])
    return window, (top, left, rows, cols)


def references(photos, indices, *, side=WINDOW_SIDE):
    """(b) and (c) references of the photos at ``indices`` of the full list ``photos``."""
    same = [flipped_window(photos[i][1], np.random.RandomState(i), side=side)[0] for i in indices]
    other = [photos[(i + 1) % len(photos)][1] for i in indices]
    return same, other


def dataset_psnr(truths, predictions):
    """PSNR of the squared error pooled over every value of the set, in dB."""
    sse = sum(float(np.sum((p.astype(np.float64) - t) ** 2)) for t, p in zip(truths, predictions))
    n_values = sum(t.size for t in truths)
    return float(10 * np.log10(255.0**2 * n_values / sse))


def per_photo_psnr(truth, prediction):
    mse = np.mean((prediction.astype(np.float64) - truth) ** 2)
    return float(10 * np.log10(255.0**2 / mse))


def variant_name(variant):
    strides = "+".join(str(s) for s in variant["strides"])
    name = f"{variant['use']} s{strides} t{variant['temperature']}"
    if variant["use"] != "blend":
        name += f" c{variant['min_confidence']}"
    if variant["luminance_weight"] != 1.0:
        name += f" lum{variant['luminance_weight']}"
    return name + (" mirror" if variant["mirror"] else "")


def search_variants():
    """The variants of records/reference_rule.md, in a fixed order."""
    base = {"min_confidence": 0.5, "luminance_weight": 1.0, "mirror": False}
    variants = [{"use": use, "temperature": temperature, "strides": strides, **base}
                for use in USE_ORDER for strides in ((8,), (16,), (8, 16))
                for temperature in (0.01, 0.03, 0.1)]
    around = {**base, "strides": (8, 16), "temperature": 0.03}
    variants += [{**around, "use": use, "min_confidence": c}
                 for use in ("hints", "both") for c in (0.25, 0.75)]
    variants += [{**around, "use": use, "luminance_weight": 0.0} for use in ("blend", "both")]
    variants += [{**around, "use": use, "mirror": True} for use in USE_ORDER]
    return variants


def options(variant):
    """``colorize_with_reference``'s keyword arguments of a variant."""
    return {key: (tuple(value) if key == "strides" else value) for key, value in variant.items()}


def score_variant(model, truths, grays, same, other, base_psnr, variant, *, keep_photos=False):
    """(b) and (c) figures of one variant, against the plain colorization's PSNR."""
    start = time.perf_counter()
    with_same = colorize_with_reference(model, grays, same, **options(variant))
    with_other = colorize_with_reference(model, grays, other, **options(variant))
    seconds = (time.perf_counter() - start) / (2 * len(grays))
    result = {"same_scene_psnr": dataset_psnr(truths, with_same),
              "unrelated_psnr": dataset_psnr(truths, with_other)}
    result["same_scene_gain"] = result["same_scene_psnr"] - base_psnr
    result["unrelated_gain"] = result["unrelated_psnr"] - base_psnr
    result["seconds_per_photo"] = seconds
    if keep_photos:
        result["per_photo"] = [
            {"same_scene": per_photo_psnr(t, b), "unrelated": per_photo_psnr(t, c)}
            for t, b, c in zip(truths, with_same, with_other)]
    return result


def time_ratio(model, variant, *, repeats=TIMING_REPEATS):
    """Best-of seconds of one 768×512 photo with and without its reference, taken in turns."""
    from skimage import data, transform

    rgb = (transform.resize(data.astronaut(), (512, 768)) * 255).astype(np.uint8)
    gray = rgb_to_gray(rgb[np.newaxis])
    reference = flipped_window(rgb, np.random.RandomState(0))[0]
    model.predict(gray)
    colorize_with_reference(model, gray, reference, **options(variant))
    plain, referenced = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(gray)
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        colorize_with_reference(model, gray, reference, **options(variant))
        referenced.append(time.perf_counter() - start)
    return {"seconds_without": min(plain), "seconds_with": min(referenced),
            "time_ratio": min(referenced) / min(plain)}


def eligible(entry):
    return (not entry["variant"]["mirror"] and entry["unrelated_gain"] >= MIN_UNRELATED_GAIN
            and entry["time_ratio"] <= MAX_TIME_RATIO)


def choose(search):
    """The entry that records/reference_rule.md picks, or None if none is eligible."""
    candidates = [entry for entry in search if eligible(entry)]
    if not candidates:
        return None
    best = max(entry["same_scene_gain"] for entry in candidates)
    close = [entry for entry in candidates if entry["same_scene_gain"] >= best - TIE_DB]
    return max(close, key=lambda entry: (entry["unrelated_gain"],
                                         -USE_ORDER.index(entry["variant"]["use"]),
                                         -len(entry["variant"]["strides"])))


def load_model(path, *, vividness, working_size):
    from skcolor import AutoencoderColorizer

    model = AutoencoderColorizer.load(path)
    model.set_params(vividness=vividness, working_size=working_size)
    return model


def run_search(model, photos, record):
    indices = list(range(len(photos)))[SUBSET]
    truths = [photos[i][1] for i in indices]
    grays = [rgb_to_gray(rgb[np.newaxis])[0] for rgb in truths]
    same, other = references(photos, indices)
    base_psnr = dataset_psnr(truths, model.predict(grays))
    search = []
    for variant in search_variants():
        entry = {"name": variant_name(variant), "variant": variant}
        entry.update(score_variant(model, truths, grays, same, other, base_psnr, variant))
        entry.update(time_ratio(model, variant))
        search.append(entry)
        log(f"{entry['name']}: same scene {entry['same_scene_gain']:+.2f} dB, unrelated "
            f"{entry['unrelated_gain']:+.2f} dB, time x{entry['time_ratio']:.2f}")
    chosen = choose(search)
    record["search"] = {"photos": [photos[i][0] for i in indices], "n_photos": len(indices),
                        "no_reference_psnr": base_psnr, "variants": search,
                        "chosen": None if chosen is None else chosen["name"],
                        "chosen_variant": None if chosen is None else chosen["variant"]}
    log(f"chosen: {record['search']['chosen']}")


def run_final(model, photos, record, variant):
    truths = [rgb for _, rgb in photos]
    grays = [rgb_to_gray(rgb[np.newaxis])[0] for rgb in truths]
    base = model.predict(grays)
    base_psnr = dataset_psnr(truths, base)
    same, other = references(photos, range(len(photos)))
    final = {"name": variant_name(variant), "variant": variant, "n_photos": len(photos),
             "no_reference_psnr": base_psnr}
    final.update(score_variant(model, truths, grays, same, other, base_psnr, variant,
                               keep_photos=True))
    for photo, (name, truth), plain in zip(final["per_photo"], photos, base):
        photo["photo"] = name
        photo["no_reference"] = per_photo_psnr(truth, plain)
    final.update(time_ratio(model, variant))
    same_area, _ = references(photos, range(len(photos)), side=float(np.sqrt(WINDOW_SIDE)))
    area = colorize_with_reference(model, grays, same_area, **options(variant))
    final["same_scene_gain_70pct_area"] = dataset_psnr(truths, area) - base_psnr
    gains_b = [p["same_scene"] - p["no_reference"] for p in final["per_photo"]]
    gains_c = [p["unrelated"] - p["no_reference"] for p in final["per_photo"]]
    final["same_scene_photos_better"] = int(np.sum(np.asarray(gains_b) > 0))
    final["unrelated_worst_photo_gain"] = float(min(gains_c))
    final["unrelated_photos_worse_by_0_5_db"] = int(np.sum(np.asarray(gains_c) < -0.5))
    final["targets"] = {"same_scene_gain >= 4 dB": final["same_scene_gain"] >= 4.0,
                        "unrelated_gain >= -0.3 dB": final["unrelated_gain"] >= -0.3,
                        "time_ratio <= 2": final["time_ratio"] <= 2.0}
    record["final"] = final
    log(f"{final['name']} on {len(photos)} photos: same scene {final['same_scene_gain']:+.2f} dB "
        f"(70 % area: {final['same_scene_gain_70pct_area']:+.2f}), unrelated "
        f"{final['unrelated_gain']:+.2f} dB, {final['seconds_with']:.3f} s with vs "
        f"{final['seconds_without']:.3f} s without (x{final['time_ratio']:.2f})")


def calibrate(model, *, n_photos=CALIBRATION_PHOTOS, seed=0):
    """Best similarities on photos-train, matched (b) and unrelated (c): the confidence's ranges.

    The best similarity of a target place is that of :func:`match_reference` with
    ``similarity_range=(-1, 1)``, whose confidence is then ``(best + 1) / 2``, at
    the places' grid. Matched places are those of (b) that the window shows.
    """
    from skcolor._image import as_float32, resize_batch
    from skcolor.datasets._photo_crops import list_photos
    from skcolor.io import read_image

    files = list_photos(DATA / "photos-train")
    files = [files[i] for i in sorted(np.random.RandomState(seed).choice(len(files), n_photos,
                                                                         replace=False))]
    photos = [read_image(file) for file in files]
    settings = model._inference_settings()
    encoder = model.model_.get_layer("encoder")
    space = COLOR_SPACES[model.color_space]

    def described(rgb, strides):
        size = working_size_for(*rgb.shape[:2], settings)
        small = as_float32(resize_batch(rgb[np.newaxis], size))
        gray = rgb_to_gray(small)
        features = reference_features(encoder, gray, size=size, strides=strides)[0]
        return features, space.encode(small)[0], gray[0]

    ranges = {}
    for strides in SIMILARITY_RANGES:
        matched, unmatched, unrelated = [], [], []
        for index, rgb in enumerate(photos):
            height, width = rgb.shape[:2]
            target, _, target_gray = described(rgb, strides)
            grid = target.shape[:2]
            grid_gray = resize_batch(target_gray[np.newaxis], grid)[0]
            window, (top, left, rows, cols) = flipped_window(rgb, np.random.RandomState(index))
            for reference, sink in ((window, None), (photos[(index + 1) % len(photos)], unrelated)):
                features, chroma, gray = described(reference, strides)
                _, confidence = match_reference(target, features, chroma, target_gray=grid_gray,
                                                reference_gray=gray, similarity_range=(-1.0, 1.0))
                best = 2 * confidence - 1
                if sink is not None:
                    sink.append(best.ravel())
                    continue
                # Place centres in the mirrored photo's pixels: inside the window or not.
                y = (np.arange(grid[0]) + 0.5) * height / grid[0]
                x = width - (np.arange(grid[1]) + 0.5) * width / grid[1]
                shown = (((y >= top) & (y < top + rows))[:, np.newaxis]
                         & ((x >= left) & (x < left + cols))[np.newaxis])
                matched.append(best[shown])
                unmatched.append(best[~shown])
        matched, unmatched, unrelated = (np.concatenate(a) for a in (matched, unmatched, unrelated))
        percentiles = (5, 25, 50, 75, 95, 99)
        low, high = float(np.percentile(unrelated, 95)), float(np.median(matched))
        if high <= low:  # features that cannot tell the two apart
            high = low + DEGENERATE_WIDTH
        ranges["+".join(map(str, strides))] = {
            "range": [round(low, 2), round(high, 2)],
            "percentiles": list(percentiles),
            "matched_shown": np.percentile(matched, percentiles).round(3).tolist(),
            "matched_not_shown": np.percentile(unmatched, percentiles).round(3).tolist(),
            "unrelated": np.percentile(unrelated, percentiles).round(3).tolist(),
            "unrelated_share_above_median_matched": float(np.mean(unrelated >= np.median(matched))),
        }
        log(f"strides {strides}: {ranges['+'.join(map(str, strides))]}")
    return {"set": "photos-train", "n_photos": n_photos, "seed": seed,
            "files": [file.name for file in files], "window_side": WINDOW_SIDE,
            "luminance_weight": 1.0, "working_size": settings.working_size,
            "rule": "range = (95th percentile of the best similarities of places matched to "
                    "an unrelated photo, median of those of places that the mirrored window "
                    f"shows); where the second is not above the first, first + {DEGENERATE_WIDTH}",
            "strides": ranges}


def summary_lines(record):
    lines = ["# Colorizing like a reference photo", "",
             f"Model `{record['model']}`, vividness {record['vividness']}, working size "
             f"{record['working_size']}; rule: `reference_rule.md`.", ""]
    search = record.get("search")
    if search:
        lines += [f"## Search: {search['n_photos']} photos-val photos (every 4th), "
                  f"no reference {search['no_reference_psnr']:.2f} dB", ""]
        rows = [[entry["name"], f"{entry['same_scene_gain']:+.2f}",
                 f"{entry['unrelated_gain']:+.2f}", f"{entry['time_ratio']:.2f}",
                 "yes" if eligible(entry) else "no",
                 "**chosen**" if entry["name"] == search["chosen"] else ""]
                for entry in search["variants"]]
        lines += markdown_table(["variant", "(b) same scene, dB", "(c) unrelated, dB",
                                 "time ×", "eligible", ""], rows) + [""]
    final = record.get("final")
    if final:
        lines += [f"## Final: {final['name']} on all {final['n_photos']} photos-val photos", "",
                  f"- no reference: {final['no_reference_psnr']:.2f} dB",
                  f"- (b) same scene: {final['same_scene_psnr']:.2f} dB, "
                  f"**{final['same_scene_gain']:+.2f} dB** ({final['same_scene_photos_better']} of "
                  f"{final['n_photos']} photos better); with a window of 70 % of the area "
                  f"{final['same_scene_gain_70pct_area']:+.2f} dB",
                  f"- (c) unrelated: {final['unrelated_psnr']:.2f} dB, "
                  f"**{final['unrelated_gain']:+.2f} dB** (worst photo "
                  f"{final['unrelated_worst_photo_gain']:+.2f} dB; "
                  f"{final['unrelated_photos_worse_by_0_5_db']} photos worse by over 0.5 dB)",
                  f"- one 768×512 photo: {final['seconds_with']:.3f} s with a reference, "
                  f"{final['seconds_without']:.3f} s without (×{final['time_ratio']:.2f})",
                  "- targets: " + ", ".join(f"{name}: {'met' if met else 'NOT met'}"
                                            for name, met in final["targets"].items()), ""]
        for again in final.get("timing_again", []):
            lines += [f"- timed again: {again['seconds_with']:.3f} s with a reference, "
                      f"{again['seconds_without']:.3f} s without (×{again['time_ratio']:.2f})"]
    for entry in record.get("information_only", []):
        lines += ["", f"## For information, not chosen: {entry['name']} on all "
                      f"{entry['n_photos']} photos ({entry['why']})", "",
                  f"- (b) same scene {entry['same_scene_gain']:+.2f} dB, (c) unrelated "
                  f"{entry['unrelated_gain']:+.2f} dB, {entry['seconds_with']:.3f} s with vs "
                  f"{entry['seconds_without']:.3f} s without (×{entry['time_ratio']:.2f})"]
    if record.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {note}" for note in record["notes"]]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=MODEL, help="a .keras file of a lite0_unet colorizer")
    parser.add_argument("--vividness", type=float, default=0.25)
    parser.add_argument("--working-size", type=int, default=224)
    parser.add_argument("--calibrate", action="store_true",
                        help="measure the similarity ranges on photos-train "
                             f"({CALIBRATION_RECORD.name})")
    parser.add_argument("--search", action="store_true",
                        help="every variant on the 40-photo subset")
    parser.add_argument("--final", action="store_true",
                        help="the chosen variant (from the record's search) on every photo")
    parser.add_argument("--timing", action="store_true",
                        help="time the final variant again (after a change that keeps its colors)")
    parser.add_argument("--record", type=Path, default=RECORD)
    args = parser.parse_args(argv)
    if not (args.calibrate or args.search or args.final or args.timing):
        parser.error("give --calibrate, --search, --final or --timing")

    model = load_model(args.model, vividness=args.vividness, working_size=args.working_size)
    if args.calibrate:
        write_json(CALIBRATION_RECORD, {"model": args.model, **calibrate(model)})
        log(f"wrote {CALIBRATION_RECORD}")
    if not (args.search or args.final or args.timing):
        return
    record = json.loads(args.record.read_text()) if args.record.exists() else {}
    record.update({"model": args.model, "vividness": args.vividness,
                   "working_size": args.working_size, "set": "photos-val",
                   "window_side": WINDOW_SIDE, "similarity_ranges": {
                       "+".join(map(str, k)): list(v) for k, v in SIMILARITY_RANGES.items()}})
    if args.search or args.final:
        record.update({"machine": machine_info(), "load_average_before": load_average()})
    photos = load_set("photos-val") if args.search or args.final else None
    if args.search:
        run_search(model, photos, record)
        write_json(args.record, record)
    if args.final:
        chosen = record.get("search", {}).get("chosen_variant")
        if chosen is None:
            parser.error("no chosen variant: run --search first (or none was eligible)")
        run_final(model, photos, record, chosen)
    if args.timing:
        if "final" not in record:
            parser.error("no final run to time again: run --final first")
        retimed = time_ratio(model, record["final"]["variant"])
        retimed["load_average"] = load_average()
        record["final"].setdefault("timing_again", []).append(retimed)
        log(f"again: {retimed['seconds_with']:.3f} s with vs {retimed['seconds_without']:.3f} s "
            f"without (x{retimed['time_ratio']:.2f})")
    if args.search or args.final:
        record["load_average_after"] = load_average()
    write_json(args.record, record)
    SUMMARY.write_text("\n".join(summary_lines(record)) + "\n")
    print("\n".join(summary_lines(record)))
    log(f"wrote {args.record} and {SUMMARY}")


if __name__ == "__main__":
    main()
