"""Make the test fixtures in this folder from the project's shared data, reproducibly.

    python tests/data/make_fixtures.py            # reads ../shared/data beside the repository
    SKCOLOR_DATA=/path/to/data python tests/data/make_fixtures.py

Every file is copied byte for byte (no re-encoding), so the fixtures are the same real images
the full data set holds. The choice is fixed: CIFAR-10 files are drawn per class with a seeded
``random.Random``, the photos are named below. It writes ``SOURCES.md`` recording where each
file came from and on what terms. Run it again and nothing changes.
"""

import hashlib
import os
import random
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SEED = 11
CIFAR_PER_CLASS = {"train": 35, "test": 10}

# Real color photos at different sizes. From photos-val: a face, an outdoor scene with sky,
# animals, an indoor room and a city at night. From the USC-SIPI "misc" volume: two 256x256 PNGs.
PHOTOS = {
    "photos-val": [
        "bsds500_189080.jpg",  # portrait of a man, 321x481
        "sunhays80_img_027_SRF_8_HR.jpg",  # desert dunes, mountains and sky, 512x340
        "bsds500_112056.jpg",  # two rhinoceroses on grass, 481x321
        "sunhays80_img_080_SRF_8_HR.jpg",  # bedroom interior, 512x340
        "urban100_img_085_SRF_2_HR.jpg",  # city buildings at night, 512x338
        # The photo model's test set (tests/test_pretrained.py): the first photo of four
        # sources by name, picked before any result was seen.
        "bsds500_102062.jpg",
        "inet1k_n01496331_electric_ray.jpg",
        "inetdet_n01503061_10156_bird.jpg",
        "urban100_img_006_SRF_2_HR.jpg",
    ],
    "photos": [
        "4.1.01.png",  # girl, 256x256
        "4.1.06.png",  # tree and sky, 256x256
    ],
}

TERMS = {
    "cifar10": "CIFAR-10 (Krizhevsky, 2009), from the public \"CIFAR-10-images\" mirror, re-encoded "
               "as JPEG (quality about 75, 4:2:0); no license stated. Cite Krizhevsky, "
               "\"Learning Multiple Layers of Features from Tiny Images\", 2009.",
    "photos": "USC-SIPI image database, \"misc\" volume (University of Southern California); "
              "research use, under the database's own copyright notes "
              "(https://sipi.usc.edu/database/copyright.php).",
    "bsds500": "Berkeley Segmentation Data Set 500 (mirror BIDS/BSDS500, no license stated). "
               "Research use; cite Arbelaez, Maire, Fowlkes and Malik, TPAMI 33(5), 2011.",
    "sunhays80": "Sun-Hays 80 (via jbhuang0604/SelfExSR, no license stated). Research use; cite "
                 "Huang, Singh and Ahuja, CVPR 2015.",
    "urban100": "Urban100 (via jbhuang0604/SelfExSR, no license stated). Research use; cite "
                "Huang, Singh and Ahuja, CVPR 2015.",
    "inet1k": "ImageNet (ILSVRC-2012) sample images (via EliSchwartz/imagenet-sample-images, no "
              "license stated). Each image belongs to its photographer; ImageNet's terms allow "
              "non-commercial research and education use only.",
    "inetdet": "ImageNet ILSVRC-DET sample images (via ajschumacher/imagen, which \"does not make "
               "or alter any copyright claims\"). Each image belongs to its photographer; "
               "ImageNet's terms allow non-commercial research and education use only.",
}


def data_root():
    root = Path(os.environ.get("SKCOLOR_DATA", REPO.parent / "shared" / "data"))
    if not (root / "cifar10").is_dir():
        raise SystemExit(f"no data at {root}: set SKCOLOR_DATA to the folder holding cifar10/")
    return root


def cifar_choice(root):
    """Yield (split, class, file name): CIFAR_PER_CLASS files per class, drawn with SEED."""
    rng = random.Random(SEED)
    for split, count in CIFAR_PER_CLASS.items():
        for label in sorted(p.name for p in (root / "cifar10" / split).iterdir() if p.is_dir()):
            names = sorted(p.name for p in (root / "cifar10" / split / label).glob("*.jpg"))
            for name in sorted(rng.sample(names, count)):
                yield split, label, name


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main():
    root = data_root()
    copied = []  # (fixture path, source path relative to root, terms key)
    for folder in ("cifar10", "photos"):
        shutil.rmtree(HERE / folder, ignore_errors=True)
    for split, label, name in cifar_choice(root):
        copied.append((Path("cifar10", split, label, name), Path("cifar10", split, label, name),
                       "cifar10"))
    for source_folder, names in PHOTOS.items():
        for name in names:
            terms = "photos" if source_folder == "photos" else name.split("_")[0]
            copied.append((Path("photos", name), Path(source_folder, name), terms))
    for target, source, _ in copied:
        (HERE / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / source, HERE / target)

    lines = [
        "# Where the test fixtures come from",
        "",
        "Made by `make_fixtures.py` (seed %d) from the project's shared data folder; every file is"
        % SEED,
        "a byte-for-byte copy. Research use only; not for redistribution as a product. Two",
        "are ImageNet images (`inet1k`, `inetdet`): non-commercial research and education only.",
        "",
        "## Terms",
        "",
    ]
    lines += [f"- `{key}`: {text}" for key, text in TERMS.items()]
    counts = {split: sum(1 for t, _, _ in copied if t.parts[:2] == ("cifar10", split))
              for split in CIFAR_PER_CLASS}
    lines += [
        "",
        "## Files",
        "",
        f"- `cifar10/train/<class>/NNNN.jpg`: {counts['train']} files "
        f"({CIFAR_PER_CLASS['train']} per class), from `cifar10/train/<class>/` with the same names.",
        f"- `cifar10/test/<class>/NNNN.jpg`: {counts['test']} files "
        f"({CIFAR_PER_CLASS['test']} per class), from `cifar10/test/<class>/` with the same names.",
        "",
        "| fixture | source (in the data folder) | terms | sha256 |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| `{t.as_posix()}` | `{s.as_posix()}` | {k} | `{_sha256(HERE / t)[:16]}` |"
              for t, s, k in copied if t.parts[0] == "photos"]
    (HERE / "SOURCES.md").write_text("\n".join(lines) + "\n")
    print(f"copied {len(copied)} files from {root}")


if __name__ == "__main__":
    main()
