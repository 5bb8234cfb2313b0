#!/usr/bin/env bash
# Train the candidate default models in parallel on one lent GPU (Keras on JAX).
# The machine has no TensorFlow and no network: Keras travels as wheels in .whl/,
# the CIFAR-10 training images as .gpudata/cifar_train.tar.gz. Results go to $OUT.
# Used once to train the shipped model; see docs/model_card.md.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax PYTHONUNBUFFERED=1
export XLA_PYTHON_CLIENT_PREALLOCATE=false SKCOLOR_ACCELERATOR="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
mkdir -p /tmp/data && tar xzf .gpudata/cifar_train.tar.gz -C /tmp/data || exit 1
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv
budget=${BUDGET:-400}
mkdir -p /tmp/runs
run() {  # name, extra flags; falls back to the torch backend if JAX fails at once
    start=$SECONDS
    timeout "$budget" python3 references/cifar10/train.py --config "$1" --data /tmp/data/train \
        --out /tmp/runs "${@:2}" > "/tmp/runs/$1.log" 2>&1
    status=$?
    if [ "$status" -ne 0 ] && [ $((SECONDS - start)) -lt 90 ]; then
        echo "$1 failed on jax ($status); retrying on torch"
        KERAS_BACKEND=torch timeout $((budget - SECONDS + start)) python3 references/cifar10/train.py \
            --config "$1" --data /tmp/data/train --out /tmp/runs "${@:2}" >> "/tmp/runs/$1.log" 2>&1
        status=$?
    fi
    echo "$1 exited $status after $((SECONDS - start)) s"
}
if [ "${ROUND:-1}" = 1 ]; then
    run unet-ycbcr-classes --epochs "${EPOCHS:-15}" --batch-size 64 &
    run unet-ycbcr-mse --epochs "${EPOCHS:-15}" --batch-size 64 &
    run unet-lab-mse --epochs "${EPOCHS:-15}" --batch-size 64 &
    run seed-rgb --epochs 10 --batch-size 32 &
else  # round 2: weaker rebalancing, and the regression model trained longer
    run unet-ycbcr-classes-r0.8 --epochs "${EPOCHS:-15}" --batch-size 64 &
    run unet-ycbcr-classes-unweighted --epochs "${EPOCHS:-15}" --batch-size 64 &
    run unet-ycbcr-mse --epochs 25 --batch-size 64 &
fi
wait
for f in /tmp/runs/*.log; do echo "== $f"; grep -vE "^(WARNING|I0000|E0000)" "$f" | tail -4; done
# At most 8 files come back: the models, and one archive of the records and logs.
cp /tmp/runs/*.keras "$OUT"/ 2>/dev/null
tar czf "$OUT/records.tar.gz" -C /tmp/runs $(cd /tmp/runs && ls *.json *.log)
ls -la "$OUT"
