#!/usr/bin/env bash
# Analyses the public model files in .corpus/public/ (fetched by hand, see docs/analyzer.md, "Public models")
# with only --set/--input/--setup, and compares matmul FLOPs with the oracle's measurement stored next to each.
# usage: tools/public-models.sh [NAME...]
cd "$(dirname "$0")/.." || exit 2
P=.corpus/public
[ -d "$P" ] || { echo "skipped: $P is absent (docs/analyzer.md, \"Public models\")"; exit 0; }
# name | file | class | flopscope options | oracle result
CASES=$(cat <<'TABLE'
nanogpt|nanogpt/model.py|GPT|--set block_size=64 --set vocab_size=256 --set n_layer=2 --set n_head=4 --set n_embd=64 --set dropout=0.0 --set bias=true --batch 2 --seq 16|nanogpt/nanogpt_prefill_b2_s16
nanogpt-targets|nanogpt/model.py|GPT|--set block_size=64 --set vocab_size=256 --set n_layer=2 --set n_head=4 --set n_embd=64 --set dropout=0.0 --set bias=true --batch 2 --seq 16 --input targets=batch_size,seq_len|nanogpt/nanogpt_prefill_targets_b2_s16
mingpt|mingpt/mingpt/model.py|GPT|--set model_type=none --set vocab_size=256 --set block_size=64 --set n_layer=2 --set n_head=4 --set n_embd=64 --set embd_pdrop=0.1 --set resid_pdrop=0.1 --set attn_pdrop=0.1 --batch 2 --seq 16|mingpt/mingpt_prefill_b2_s16
gpt-fast|gpt-fast/model.py|Transformer|--set block_size=64 --set vocab_size=256 --set n_layer=2 --set n_head=4 --set dim=64 --setup setup_caches(max_batch_size=batch_size,max_seq_length=32) --input input_pos=seq_len --batch 2 --seq 16|gpt-fast/gptfast_prefill_b2_s16
gpt-fast-decode|gpt-fast/model.py|Transformer|--set block_size=64 --set vocab_size=256 --set n_layer=2 --set n_head=4 --set dim=64 --setup setup_caches(max_batch_size=batch_size,max_seq_length=32) --input input_pos=1 --phase decode --batch 2 --cache 9|gpt-fast/gptfast_decode_b2_c9
llama2c|llama2c/model.py|Transformer|--set dim=64 --set n_layers=2 --set n_heads=4 --set n_kv_heads=4 --set vocab_size=256 --set multiple_of=32 --set max_seq_len=64 --set dropout=0.0 --batch 2 --seq 16|llama2c/llama2c_prefill_b2_s16
llama2c-targets|llama2c/model.py|Transformer|--set dim=64 --set n_layers=2 --set n_heads=4 --set n_kv_heads=4 --set vocab_size=256 --set multiple_of=32 --set max_seq_len=64 --set dropout=0.0 --batch 2 --seq 16 --input targets=batch_size,seq_len|llama2c/llama2c_prefill_targets_b2_s16
meta-llama|meta-llama/model.py|Transformer|--set dim=64 --set n_layers=2 --set n_heads=4 --set n_kv_heads=2 --set vocab_size=256 --set multiple_of=32 --set max_batch_size=2 --set max_seq_len=32 --input start_pos=int(cache_len) --batch 2 --seq 16|meta-llama/metallama_prefill_b2_s16
meta-llama-decode|meta-llama/model.py|Transformer|--set dim=64 --set n_layers=2 --set n_heads=4 --set n_kv_heads=2 --set vocab_size=256 --set multiple_of=32 --set max_batch_size=2 --set max_seq_len=32 --input start_pos=int(cache_len) --phase decode --batch 2 --cache 9|meta-llama/metallama_decode_b2_c9
mamba-minimal|mamba-minimal/model.py|Mamba|--set d_model=64 --set n_layer=2 --set vocab_size=256 --batch 2 --seq 16|mamba-minimal/mamba_prefill_b2_s16
aiayn-transformer|aiayn-transformer|transformer.Models.Transformer|--set n_src_vocab=256 --set n_trg_vocab=256 --set src_pad_idx=0 --set trg_pad_idx=0 --set d_word_vec=64 --set d_model=64 --set d_inner=256 --set n_layers=2 --set n_head=4 --set d_k=16 --set d_v=16 --set dropout=0.1 --set n_position=200 --input trg_seq=batch_size,seq_len --batch 2 --seq 16|aiayn-transformer/aiayn_prefill_b2_s16
mixtral-moe|gpt-fast-mixtral-moe/model.py|Transformer|--set block_size=64 --set vocab_size=256 --set n_layer=2 --set n_head=4 --set n_local_heads=2 --set dim=64 --set intermediate_size=128 --set num_experts=4 --set num_activated_experts=2 --setup setup_caches(max_batch_size=batch_size,max_seq_length=32) --input input_pos=seq_len --batch 1 --seq 16|gpt-fast-mixtral-moe/mixtralmoe_prefill_b1_s16
mixtral-moe-decode|gpt-fast-mixtral-moe/model.py|Transformer|--set block_size=64 --set vocab_size=256 --set n_layer=2 --set n_head=4 --set n_local_heads=2 --set dim=64 --set intermediate_size=128 --set num_experts=4 --set num_activated_experts=2 --setup setup_caches(max_batch_size=batch_size,max_seq_length=32) --input input_pos=1 --phase decode --batch 1 --cache 9|gpt-fast-mixtral-moe/mixtralmoe_decode_b1_c9
lit-llama|lit-llama|lit_llama.model.LLaMA|--set block_size=64 --set vocab_size=200 --set n_layer=2 --set n_head=4 --set n_embd=64 --batch 2 --seq 16|lit-llama/litllama_prefill_b2_s16
lit-llama-decode|lit-llama|lit_llama.model.LLaMA|--set block_size=64 --set vocab_size=200 --set n_layer=2 --set n_head=4 --set n_embd=64 --input max_seq_length=int(32) --input input_pos=arange(cache_len,cache_len+seq_len) --phase decode --batch 2 --cache 9|lit-llama/litllama_decode_b2_c9
gpt-oss|gpt-oss/gpt_oss/torch/model.py|Transformer|--set num_hidden_layers=2 --set num_experts=4 --set experts_per_token=2 --set vocab_size=256 --set hidden_size=64 --set intermediate_size=128 --set head_dim=16 --set num_attention_heads=4 --set num_key_value_heads=2 --set sliding_window=8 --input x=seq_len --batch 1 --seq 16|gpt-oss/gptoss_prefill_b1_s16
TABLE
)
status=0
while IFS='|' read -r name file cls opts result; do
  [ -n "$name" ] || continue
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
  want=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['totals']['flops_flopcounter'])" "$P/$result.result.json" 2>/dev/null)
  # shellcheck disable=SC2086
  out=$(./flopscope cost --source "$P/$file" --class "$cls" $opts --depth 0 2>&1); rc=$?
  got=$(printf '%s\n' "$out" | grep -o 'matmul_flops=[0-9]*' | cut -d= -f2)
  verdict=$([ "$rc" = 0 ] && [ -n "$got" ] && [ "$got" = "$want" ] && echo EQUAL || echo DIFFERENT)
  [ "$verdict" = EQUAL ] || status=1
  printf '%-20s exit=%s flopscope=%-10s oracle=%-10s %s\n' "$name" "$rc" "${got:-none}" "$want" "$verdict"
  [ "$verdict" = EQUAL ] || printf '%s\n' "$out" | grep -E 'error|^  ' | head -4 | cut -c1-300
done <<< "$CASES"
exit $status
