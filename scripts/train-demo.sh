#!/usr/bin/env bash
# Trains the demo world into models/demo/ (or DIR): the LLaVA-style target, the language-only draft and the
# image-adapter draft, then writes the bundled picture. models/demo/README.md records what this run took.
# Usage: scripts/train-demo.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-models/demo}"
mkdir -p "$out"
# Target: frozen random vision tower (96 px, 32 px patches: one patch per place), trained projector and
# an F32 Llama of 7.6M parameters, 30 MB: large enough that a decode step streams its weights from memory.
./specula train --vision --scenes 4000 --steps 1500 --batch 16 --dim 384 --layers 5 --heads 6 --kv-heads 2 --ff 896 \
  --lr 1e-3 --type F32 --seed 1 -o "$out/target.gguf" --mmproj-out "$out/target-mmproj.gguf" --loss-png "$out/target-loss.png" --quiet
# Language-only draft from scratch on the world's text, with the target's vocabulary (c < 0.05).
./specula train --scenes 4000 --steps 1500 --batch 16 --dim 128 --layers 2 --heads 4 --kv-heads 2 --ff 160 \
  --lr 2e-3 --type F32 --seed 2 --vocab-from "$out/target.gguf" -o "$out/draft.gguf" --loss-png "$out/draft-loss.png" --quiet
# Image-adapter draft: the language-only draft, continued with its own projector from the target's vision features.
./specula train --adapter-for "$out/target-mmproj.gguf" --init "$out/draft.gguf" --scenes 4000 --steps 1000 --batch 16 \
  --lr 1e-3 --type F32 --seed 3 -o "$out/adapter.gguf" --mmproj-out "$out/adapter-mmproj.gguf" --loss-png "$out/adapter-loss.png" --quiet
# The bundled picture: scene 3 of the held-out test split, at the tower's resolution.
tmp="$(mktemp -d)"
./specula data --task caption --split test --n 4 --size 96 -o "$tmp" >/dev/null
cp "$tmp/images/test-3.png" "$out/picture.png"
rm -rf "$tmp"
