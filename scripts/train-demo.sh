#!/usr/bin/env bash
# Trains a demo world into models/demo/ (or DIR) with the final recipe in one go: the LLaVA-style target, the
# language-only draft and the image-adapter draft, then writes the bundled picture. The committed models were
# made in resumed phases while the QA format was being fixed; models/demo/README.md gives that exact history.
# Usage: scripts/train-demo.sh [DIR]     (about an hour on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-models/demo}"
mkdir -p "$out"
# Target: frozen random vision tower (96 px, 32 px patches: one patch per place), trained projector and an F32
# Llama of 7.5M parameters (30 MB, so a decode step streams its weights from memory). Each scene gives a caption,
# four multiple-choice questions and a chat answer; the choice letter's gradient is weighted 10x.
./specula train --vision --task caption,qa,qa,qa,qa,chat --choice-weight 10 --scenes 6000 --steps 5700 --batch 16 \
  --dim 384 --layers 5 --heads 6 --kv-heads 2 --ff 896 --lr 1e-3 --type F32 --seed 1 \
  -o "$out/target.gguf" --mmproj-out "$out/target-mmproj.gguf" --loss-png "$out/target-loss.png" --quiet
# Language-only draft from scratch on the world's text, with the target's vocabulary (c = 0.047).
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
