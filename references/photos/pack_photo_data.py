"""Pack the photo model's training data small enough to travel to a lent GPU machine.

A lent machine reaches nothing outside it: the data goes with the working tree,
which may be at most 64 MiB with everything in it (the repository's tracked files
are about 31 MiB). This script re-encodes what ``train_unet_global.py`` reads as JPEG
files, concatenated per folder into one uncompressed ``data.npz`` (JPEG is already
compressed; one file per image would add a tar header per 600-byte scene), filled
in this order until ``--budget-mb`` is reached:

1. every photo of the ``--photos`` folders, shrunk to at most ``--photo-side``
   pixels on the shorter side (never enlarged). ``predict`` shows the network a
   photo at its working size (96 px for the shipped model), so the crops that
   matter most are whole scenes shrunk; the smallest crops lose detail;
2. the 32×32 scenes of ``tinyimagenet32`` (200 ImageNet classes), in class order;
3. CIFAR-10 training images drawn at random with a fixed seed, as the scenes
   ``cifar10-32`` (``train_unet_global.py --scenes cifar10-32``).

JPEG with 4:2:0 chroma: the network predicts color at half resolution, so the
halved chroma costs it little. ``MANIFEST.json`` beside ``data.npz`` records what
went in. On the lent machine, ``--unpack`` writes the photos as files into a folder
laid out like ``../shared/data`` (point ``SKCOLOR_DATA`` at it) and the scenes as
``train_unet_global.py``'s scene cache (``--cache``). ``references/photos/train_unet_global_gpu.sh``
does both::

    python references/photos/pack_photo_data.py --out .gpudata --budget-mb 38
    python references/photos/pack_photo_data.py --unpack .gpudata --data /tmp/data --cache /tmp/cache

Data from ``$SKCOLOR_DATA`` or ``../shared/data`` (read-only).
"""

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from skcolor._image import resize_batch  # noqa: E402
from skcolor.io import read_image  # noqa: E402

SCENE_SIZE = 32


def encode_jpeg(image, quality):
    """JPEG bytes of an RGB uint8 image at ``quality``, 4:2:0 chroma, optimised Huffman
    tables (``skcolor.io.encode_image`` takes neither setting)."""
    ok, data = cv2.imencode(".jpg", np.ascontiguousarray(image[..., ::-1]),
                            [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    if not ok:
        raise ValueError("OpenCV could not encode an image as JPEG")
    return data.tobytes()


def shrunk_photo(path, side):
    """The photo at ``path`` (RGB) with its shorter side at most ``side`` pixels."""
    image = read_image(path)
    scale = side / min(image.shape[:2])
    if scale >= 1:
        return image
    size = (max(1, round(image.shape[0] * scale)), max(1, round(image.shape[1] * scale)))
    return resize_batch(image[np.newaxis], size)[0]


class Packer:
    """Collects JPEG files per group under a byte budget; saves them as one .npz."""

    def __init__(self, budget):
        self.budget = budget
        self.groups = {}  # group -> (names, list of bytes)
        self.bytes = 0

    def add(self, group, name, data):
        """Add one file; False (and nothing added) if it would exceed the budget."""
        if self.bytes + len(data) > self.budget:
            return False
        names, blobs = self.groups.setdefault(group, ([], []))
        names.append(name)
        blobs.append(data)
        self.bytes += len(data)
        return True

    def save(self, path):
        arrays = {}
        for group, (names, blobs) in self.groups.items():
            arrays[f"{group}.data"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
            arrays[f"{group}.offsets"] = np.cumsum([0] + [len(blob) for blob in blobs])
            if group.startswith("photos/"):  # the scenes' names are not needed
                arrays[f"{group}.names"] = np.array(names)
        np.savez(path, **arrays)
        return {group: len(names) for group, (names, _) in self.groups.items()}


def pack(args):
    from photos import DATA

    from skcolor.datasets import load_cifar10
    from skcolor.datasets._photo_crops import list_photos

    packer = Packer(args.budget_mb * 2**20)
    for folder in args.photos.split(","):
        for path in list_photos(DATA / folder):
            if not packer.add(f"photos/{folder}", f"{path.stem}.jpg",
                              encode_jpeg(shrunk_photo(path, args.photo_side), args.quality)):
                raise SystemExit(f"the photos alone exceed --budget-mb {args.budget_mb}")
        print(f"{folder}: {packer.bytes / 2**20:.1f} MiB so far", flush=True)
    for path in sorted((DATA / "tinyimagenet32").glob("*/*")):
        image = resize_batch(read_image(path)[np.newaxis], (SCENE_SIZE, SCENE_SIZE))[0]
        if not packer.add("scenes/tinyimagenet32", path.name, encode_jpeg(image, args.quality)):
            break
    print(f"tinyimagenet32: {packer.bytes / 2**20:.1f} MiB so far", flush=True)
    images = load_cifar10(DATA / "cifar10")[0][0]
    for index in np.random.default_rng(args.seed).permutation(len(images)):
        if not packer.add("scenes/cifar10-32", str(index), encode_jpeg(images[index], args.quality)):
            break
    args.out.mkdir(parents=True, exist_ok=True)
    counts = packer.save(args.out / "data.npz")
    manifest = {"counts": counts, "bytes": (args.out / "data.npz").stat().st_size,
                **{key: getattr(args, key) for key in ("photos", "photo_side", "quality", "seed")}}
    (args.out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{args.out / 'data.npz'}: {manifest['bytes'] / 2**20:.1f} MiB; {counts}")


def unpack(folder, data, cache):
    """Write the packed photos as files under ``data`` and the scenes as ``cache/NAME.npy``."""
    packed = np.load(folder / "data.npz")
    groups = sorted({key.rsplit(".", 1)[0] for key in packed.files})
    for group in groups:
        kind, name = group.split("/")
        blob, offsets = packed[f"{group}.data"], packed[f"{group}.offsets"]
        files = [blob[start:end] for start, end in zip(offsets[:-1], offsets[1:])]
        if kind == "photos":
            (data / name).mkdir(parents=True, exist_ok=True)
            for file_name, file in zip(packed[f"{group}.names"], files):
                (data / name / str(file_name)).write_bytes(file.tobytes())
        else:  # scenes: decoded, RGB, as training_utils.load_scenes caches them
            scenes = np.stack([cv2.imdecode(file, cv2.IMREAD_COLOR)[..., ::-1] for file in files])
            cache.mkdir(parents=True, exist_ok=True)
            np.save(cache / f"{name}.npy", scenes)
        print(f"{group}: {len(files)}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".gpudata"),
                        help="folder for data.npz and MANIFEST.json")
    parser.add_argument("--budget-mb", type=float, default=38.0,
                        help="most MiB the packed JPEG files may take")
    parser.add_argument("--photos", default="photos-train,photos-people,photos-streets",
                        help="folders of photos to pack, comma-separated")
    parser.add_argument("--photo-side", type=int, default=96,
                        help="shorter side, in pixels, the photos are shrunk to")
    parser.add_argument("--quality", type=int, default=85, help="JPEG quality")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--unpack", type=Path, metavar="FOLDER",
                        help="instead of packing, unpack FOLDER's data.npz into --data and --cache")
    parser.add_argument("--data", type=Path, help="with --unpack: the folder for the photos")
    parser.add_argument("--cache", type=Path, help="with --unpack: the folder for the scenes")
    args = parser.parse_args(argv)
    if args.unpack:
        if args.data is None or args.cache is None:
            parser.error("--unpack needs --data and --cache")
        unpack(args.unpack, args.data, args.cache)
    else:
        pack(args)


if __name__ == "__main__":
    main()
