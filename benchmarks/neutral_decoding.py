"""Does deciding "neutral or colored" first keep white walls white?

The photo models' cast on neutral pixels is their uncertainty: where a pixel may
be a white wall or a beige one, the annealed mean of its class distribution lies
between them, towards the warm colors that photos hold more of. This measures a
*hurdle* decoding, the estimator's ``neutral_threshold``: the calibrated
probability mass of the neutral classes (the cells around zero chroma) decides
first, and where it reaches the threshold the pixel is left neutral, its chroma
fading out over the 0.15 below it; elsewhere the usual decoding stands.

The rule, written before it ran: adopt it only if, at the vividness that
``photos.choose`` picks, its photos-val score beats the plain decoding's by
at least 0.15 dB and it lowers the USC-SIPI dataset gain by at most 0.1 dB.

    python benchmarks/neutral_decoding.py --model runs/lite0.round3.keras
"""

import argparse
import json
from pathlib import Path

from photos import choice_score, choose, evaluate, load_set, summary_line

from skcolor import AutoencoderColorizer

RULE = ("adopt only if, at the vividness choose() picks, the photos-val choice_score beats the "
        "plain decoding's by >= 0.15 dB and the USC-SIPI dataset gain drops by <= 0.1 dB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--taus", default="0.35,0.45,0.55",
                        help="neutral thresholds to try, comma-separated")
    parser.add_argument("--vividness", default="0.25,0.5")
    parser.add_argument("--record", type=Path,
                        default=Path(__file__).parent / "records" / "neutral_decoding.json")
    args = parser.parse_args(argv)
    model = AutoencoderColorizer.load(args.model)
    sets = {"photos-val": load_set("photos-val"), "usc-sipi": load_set("photos")}
    variants = [("plain", None)] + [(f"threshold={tau}", float(tau))
                                    for tau in args.taus.split(",")]
    record = {"model": str(args.model), "rule": RULE, "variants": {}}
    for name, threshold in variants:
        model.set_params(neutral_threshold=threshold)
        sweep = []
        for vividness in (float(v) for v in args.vividness.split(",")):
            model.set_params(vividness=vividness)
            result = evaluate(model, sets["photos-val"])
            result.pop("per_photo")
            sweep.append({"vividness": vividness, **result})
        chosen = choose(sweep)
        model.set_params(vividness=chosen["vividness"])
        usc = evaluate(model, sets["usc-sipi"])
        usc.pop("per_photo")
        record["variants"][name] = {"photos_val": chosen, "score": choice_score(chosen),
                                    "usc_sipi": usc}
        print(f"{name}: score {choice_score(chosen):.2f} "
              + summary_line(f"photos-val v={chosen['vividness']}", chosen)
              + f" | USC-SIPI {usc['dataset_gain']:+.2f} dB", flush=True)
    plain = record["variants"]["plain"]
    best = max(record["variants"], key=lambda name: record["variants"][name]["score"])
    adopted = (best != "plain"
               and record["variants"][best]["score"] >= plain["score"] + 0.15
               and record["variants"][best]["usc_sipi"]["dataset_gain"]
               >= plain["usc_sipi"]["dataset_gain"] - 0.1)
    record["verdict"] = {"best": best, "adopted": adopted}
    print(f"best: {best}; adopted by the rule: {adopted}")
    args.record.write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
