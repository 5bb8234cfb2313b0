#!/usr/bin/env bash
# Train two photo-model candidates side by side on one lent GPU (Keras on JAX), within
# BUDGET seconds (default 400), and return their checkpoints in $OUT.
#
#   A  the shipped photo network (unet_global, 32-64-128-256) from
#      skcolor/models/photos.keras, for many more rounds than two CPU cores can give
#      (is it compute?);
#   B  the same network widened to 40-80-160-320 (13 MB as float32; the repository
#      can take one more model file of about that size) so that it starts predicting
#      exactly what A starts from (train_unet_global.widen_network), then the same rounds
#      on the same draws (is it width?).
#
# Both draw every round from the data packed by references/photos/pack_photo_data.py:
# 32×32 whole scenes (tinyimagenet32 and part of CIFAR-10) and fresh crops of every
# photo of photos-train, photos-people and photos-streets. photos-val does not travel:
# score what comes back here with `python benchmarks/photos.py --model FILE`.
#
# The lent machine has JAX but neither TensorFlow nor Keras, and reaches nothing:
# Keras travels as wheels in .whl/, the data in .gpudata/. Prepare them here, in the
# repository's root (both folders are listed in .git/info/exclude):
#
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#       --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
#       --platform manylinux_2_17_x86_64 -d .whl keras==3.15.1 namex==0.1.0 optree==0.20.0
#   SKCOLOR_DATA=/work/shared/data python references/photos/pack_photo_data.py \
#       --out .gpudata --budget-mb 38
#
# The working tree may travel with at most 64 MiB: the tracked files are about 31 MiB,
# the wheels 3 and the data 38, so move aside, for the call only, the two model files
# this run does not read: `mkdir -p /tmp/aside && mv skcolor/models/cifar10.keras
# skcolor/models/photos-hints.keras /tmp/aside/`, and after it `git checkout -- skcolor/models`.
# Then: run(command="bash references/photos/train_unet_global_gpu.sh", carry=[".whl", ".gpudata"],
# timeout_s=560).
#
# Afterwards, here: score each returned checkpoint as benchmarks/runs/r3/RULE.txt does
# (benchmarks/photos.py, photos-val and the people clips), by a rule written before; to
# ship one, say B.round20.keras, copy B.json from logs.tar.gz to B.round20.json, keep its
# rounds 0-20, and run `train_unet_global.py --out B.round20.keras --learning-rates "3e-5*21"
# --install`: with as many rates as rounds done it trains none, sweeps the predict-time
# settings on photos-val and installs.
set -u
python3 -c "import keras" 2>/dev/null || python3 -m pip install -q --no-index --no-deps \
    --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD:$PWD/benchmarks KERAS_BACKEND=${KERAS_BACKEND:-jax}
export PYTHONUNBUFFERED=1 XLA_PYTHON_CLIENT_PREALLOCATE=false SKCOLOR_DATA=/tmp/data
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT" /tmp/runs
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv 2>/dev/null
python3 references/photos/pack_photo_data.py --unpack .gpudata --data /tmp/data --cache /tmp/cache || exit 1
budget=${BUDGET:-400}
common=(--scenes cifar10-32,tinyimagenet32 --scenes-per-round "${SCENES:-30000}" --cache /tmp/cache
        --photo-folders "${PHOTOS:-photos-train:3,photos-people:1,photos-streets:2}"
        --precision "${PRECISION:-mixed_bfloat16}"
        --batch-size "${BATCH:-128}" --validation none --keep-rounds --time-budget "$budget")
train() {  # name, flags; retried on the torch backend if JAX fails within 90 s
    local start=$SECONDS
    python3 references/photos/train_unet_global.py --out "/tmp/runs/$1.keras" "${common[@]}" "${@:2}" \
        > "/tmp/runs/$1.log" 2>&1
    local status=$?
    if [ "$status" -ne 0 ] && [ $((SECONDS - start)) -lt 90 ] && [ "$KERAS_BACKEND" = jax ]; then
        echo "$1 failed on jax ($status); retrying on torch"
        rm -f /tmp/runs/$1.keras /tmp/runs/$1.json /tmp/runs/$1.round*.keras
        KERAS_BACKEND=torch python3 references/photos/train_unet_global.py --out "/tmp/runs/$1.keras" \
            "${common[@]}" "${@:2}" --time-budget $((budget - SECONDS + start)) \
            >> "/tmp/runs/$1.log" 2>&1
        status=$?
    fi
    echo "$1 exited $status after $((SECONDS - start)) s"
}
rates=${RATES:-1e-4*12,3e-5*400}
train A --init photos --seed 2 --learning-rates "$rates" &
train B --init photos --seed 2 --filters 40,80,160,320 --learning-rates "$rates" &
wait
for name in A B; do
    echo "== $name"; grep -E "^round|^stopping|Error|error" "/tmp/runs/$name.log" | tail -6
    # The last round and the one three before it (at most 8 files come back).
    last=$(ls /tmp/runs/$name.round*.keras 2>/dev/null | sed 's/.*round\([0-9]*\).keras/\1/' | sort -n | tail -1)
    [ -n "$last" ] || continue
    cp "/tmp/runs/$name.round$last.keras" "$OUT/"
    [ -f "/tmp/runs/$name.round$((last - 3)).keras" ] && cp "/tmp/runs/$name.round$((last - 3)).keras" "$OUT/"
done
tar czf "$OUT/logs.tar.gz" -C /tmp/runs $(cd /tmp/runs && ls *.log *.json 2>/dev/null)
ls -la "$OUT"
