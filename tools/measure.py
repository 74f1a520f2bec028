#!/usr/bin/env python3
"""Measures the latency of Hugging Face causal LMs for FlopScope's calibration.

Builds a model from a config with random weights (nothing is downloaded), then times
prefill calls over batch x seq_len and single decode steps over batch x cache_len, and
writes one JSON object per measured point (JSON Lines) in the format of
docs/measurements.md, which `flopscope calibrate` and `flopscope evaluate` read.

    python3 tools/measure.py --model gpt2 --batches 1,2,4 --seqs 128,256 --caches 128,512 \
        --repeats 10 --out gpt2-h200.jsonl
    python3 tools/measure.py --model llama --out llama.jsonl        # built-in Llama-style config
    python3 tools/measure.py --model path/to/config.json --out m.jsonl
    python3 tools/measure.py --model gpt2 --device cpu --dtype fp32 --set n_layer=2 \
        --batches 1 --seqs 8 --caches 8 --repeats 2 --out smoke.jsonl   # CPU smoke test

Timing: the model is in eval mode under torch.no_grad(). The grid is run in --rounds passes
(default 2) and each point's --repeats timed calls are split over them, each pass starting the
point with --warmup untimed calls, so a slow stretch of the machine spreads over all points
instead of spoiling a few. On CUDA each call is bracketed by CUDA events after a
synchronize, and read after a synchronize; on CPU, time.perf_counter() brackets the call.
A decode step is timed on a DynamicCache pre-filled (by an untimed prefill) to cache_len
tokens; the cache is cropped back to cache_len after every step, so every timed step starts
at the same length. Running out of GPU memory ends that part of the sweep cleanly: the point
and every point at least as large in both dimensions are skipped, and the rest carries on.
"""

import argparse
import datetime
import gc
import json
import math
import platform
import re
import sys
import time

FORMAT = "flopscope-measurements/1"

# Built-in configs: only fields that differ from the config class's defaults, plus model_type
# and architectures. GPT-2 small is openai-community/gpt2's config.json (the same values as
# FlopScope's built-in "gpt2"); "llama" is a small Llama-style decoder (TinyLlama-1.1B's
# shape: grouped-query attention with 4 KV heads, SwiGLU MLP, RMSNorm, RoPE).
BUILT_IN = {
    "gpt2": {
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "vocab_size": 50257,
        "n_positions": 1024,
        "n_embd": 768,
        "n_layer": 12,
        "n_head": 12,
        "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-05,
        "tie_word_embeddings": True,
    },
    "llama": {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "vocab_size": 32000,
        "hidden_size": 2048,
        "intermediate_size": 5632,
        "num_hidden_layers": 22,
        "num_attention_heads": 32,
        "num_key_value_heads": 4,
        "max_position_embeddings": 4096,
        "hidden_act": "silu",
        "rms_norm_eps": 1e-05,
        "rope_theta": 10000.0,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
    },
}

DTYPES = {"bf16": "bfloat16", "bfloat16": "bfloat16", "fp16": "float16", "float16": "float16",
          "half": "float16", "fp32": "float32", "float32": "float32", "float": "float32"}
DTYPE_IDS = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}

# torch.cuda.get_device_name() -> FlopScope hardware id (first match wins).
HARDWARE_IDS = [
    (r"H200", "nvidia-h200"),
    (r"H100.*PCIe", "nvidia-h100-pcie"),
    (r"H100", "nvidia-h100-sxm"),
    (r"A100.*(80GB|80G)", "nvidia-a100-80gb-sxm"),
    (r"A100", "nvidia-a100-40gb"),
    (r"B200", "nvidia-b200"),
    (r"L40S", "nvidia-l40s"),
    (r"\bL4\b", "nvidia-l4"),
    (r"A10G", "nvidia-a10g"),
    (r"\bT4\b", "nvidia-t4"),
    (r"V100", "nvidia-v100"),
    (r"4090", "nvidia-rtx-4090"),
    (r"MI300X", "amd-mi300x"),
]


def hardware_id(device_name):
    for pattern, hid in HARDWARE_IDS:
        if re.search(pattern, device_name, re.IGNORECASE):
            return hid
    slug = re.sub(r"[^a-z0-9]+", "-", device_name.lower()).strip("-")
    return slug or "unknown"


def int_list(text):
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected comma-separated integers, got %r" % text)
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("expected positive integers, got %r" % text)
    return values


def parse_value(text):
    """--set values: JSON if it parses (numbers, true, null, lists), else the plain string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_config(spec, overrides):
    """Returns (name, config dict) for a built-in name or a config.json path."""
    if spec in BUILT_IN:
        name, cfg = spec, dict(BUILT_IN[spec])
    else:
        try:
            with open(spec, encoding="utf-8") as f:
                cfg = json.load(f)
        except OSError as e:
            sys.exit("measure.py: --model %s: not a built-in (%s) and not readable: %s"
                     % (spec, ", ".join(BUILT_IN), e.strerror))
        except ValueError as e:
            sys.exit("measure.py: --model %s: not valid JSON: %s" % (spec, e))
        if not isinstance(cfg, dict) or "model_type" not in cfg:
            sys.exit("measure.py: --model %s: a config.json object with a model_type is needed" % spec)
        name = cfg.get("_name_or_path") or re.sub(r"(/config)?\.json$", "", spec).split("/")[-1]
    for key, value in overrides:
        cfg[key] = value
    if overrides:
        name = name + "+" + ",".join("%s=%s" % (k, json.dumps(v)) for k, v in overrides)
    return name, cfg


def max_positions(cfg):
    for key in ("n_positions", "max_position_embeddings", "n_ctx"):
        if isinstance(cfg.get(key), int):
            return cfg[key]
    return None


def build_model(torch, transformers, cfg, dtype, device, attn):
    model_type = cfg["model_type"]
    kwargs = {k: v for k, v in cfg.items() if k != "model_type" and not k.startswith("_")}
    config = transformers.AutoConfig.for_model(model_type, **kwargs)
    major_minor = tuple(int(x) for x in re.findall(r"\d+", transformers.__version__)[:2])
    dtype_kw = "dtype" if major_minor >= (4, 56) else "torch_dtype"
    build = {dtype_kw: dtype}
    if attn:
        build["attn_implementation"] = attn
    with torch.device(device):
        model = transformers.AutoModelForCausalLM.from_config(config, **build)
    model.to(device=device, dtype=dtype)
    model.eval()
    impl = getattr(model.config, "_attn_implementation", None) or attn or "default"
    return model, impl


class Timer:
    """Times one call: CUDA events on a GPU, perf_counter on the CPU."""

    def __init__(self, torch, device):
        self.torch = torch
        self.cuda = device.type == "cuda"

    def sync(self):
        if self.cuda:
            self.torch.cuda.synchronize()

    def time(self, fn):
        torch = self.torch
        if self.cuda:
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            torch.cuda.synchronize()
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            return start.elapsed_time(end) / 1000.0
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0


def is_oom(torch, e):
    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(e, oom_type):
        return True
    return isinstance(e, RuntimeError) and "out of memory" in str(e).lower()


def free_memory(torch, device):
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def prefill_point(torch, transformers, model, timer, vocab, device, batch, seq, warmup, repeats):
    ids = torch.randint(0, vocab, (batch, seq), device=device)

    def step():
        model(input_ids=ids, past_key_values=transformers.DynamicCache(), use_cache=True)

    for _ in range(warmup):
        step()
    return [timer.time(step) for _ in range(repeats)]


def decode_point(torch, transformers, model, timer, vocab, device, batch, cache_len, warmup, repeats):
    prompt = torch.randint(0, vocab, (batch, cache_len), device=device)
    cache = transformers.DynamicCache()
    model(input_ids=prompt, past_key_values=cache, use_cache=True)  # fills the cache, untimed
    del prompt
    if cache.get_seq_length() != cache_len:
        raise RuntimeError("pre-filled cache holds %d tokens, expected %d" % (cache.get_seq_length(), cache_len))
    token = torch.randint(0, vocab, (batch, 1), device=device)

    def step():
        model(input_ids=token, past_key_values=cache, use_cache=True)

    timings = []
    for i in range(warmup + repeats):
        if i < warmup:
            step()
        else:
            timings.append(timer.time(step))
        extra = cache.get_seq_length() - cache_len
        if extra > 0:
            cache.crop(-extra)  # every step starts from cache_len cached tokens
        if cache.get_seq_length() != cache_len:
            raise RuntimeError("cache holds %d tokens after crop, expected %d" % (cache.get_seq_length(), cache_len))
    return timings


def static_cache(transformers, model, batch, length, device, dtype):
    """A StaticCache of `length` positions (its keyword names changed across transformers releases)."""
    attempts = [
        dict(config=model.config, max_batch_size=batch, max_cache_len=length, device=device, dtype=dtype),
        dict(config=model.config, max_cache_len=length),
        dict(config=model.config, batch_size=batch, max_cache_len=length, device=device, dtype=dtype),
    ]
    last = None
    for kw in attempts:
        try:
            return transformers.StaticCache(**kw)
        except TypeError as e:
            last = e
    raise RuntimeError("cannot build a StaticCache with this transformers: %s" % last)


def capture(torch, fn, warmup):
    """A CUDA graph of fn: warmed up on a side stream, then captured once; replay() runs every kernel of it."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(max(warmup, 2)):
            fn()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return graph


def graphed_prefill_point(torch, transformers, model, timer, vocab, device, batch, seq, warmup, repeats, dtype):
    """--runtime cuda-graphs: the prefill captured once (static cache of seq positions), timed by replaying it."""
    ids = torch.randint(0, vocab, (batch, seq), device=device)
    cache = static_cache(transformers, model, batch, seq, device, dtype)
    positions = torch.arange(seq, device=device)
    graph = capture(torch, lambda: model(input_ids=ids, past_key_values=cache, cache_position=positions, use_cache=True), warmup)
    for _ in range(warmup):
        graph.replay()
    return [timer.time(graph.replay) for _ in range(repeats)]


def graphed_decode_point(torch, transformers, model, timer, vocab, device, batch, cache_len, warmup, repeats, dtype):
    """--runtime cuda-graphs: one decode step at cache_len, captured; each replay rewrites the same position."""
    cache = static_cache(transformers, model, batch, cache_len + 1, device, dtype)
    prompt = torch.randint(0, vocab, (batch, cache_len), device=device)
    model(input_ids=prompt, past_key_values=cache, cache_position=torch.arange(cache_len, device=device), use_cache=True)  # untimed
    del prompt
    token = torch.randint(0, vocab, (batch, 1), device=device)
    position = torch.tensor([cache_len], device=device)
    graph = capture(torch, lambda: model(input_ids=token, past_key_values=cache, cache_position=position, use_cache=True), warmup)
    for _ in range(warmup):
        graph.replay()
    return [timer.time(graph.replay) for _ in range(repeats)]


def environment(torch, transformers, device):
    env = {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
        "device": device.type,
    }
    if device.type == "cuda":
        env["gpu"] = torch.cuda.get_device_name(device)
        env["cuda"] = torch.version.cuda
        props = torch.cuda.get_device_properties(device)
        env["gpu_memory_bytes"] = props.total_memory
        env["gpu_multiprocessors"] = props.multi_processor_count
    else:
        env["cpu"] = platform.processor() or platform.machine()
        env["threads"] = torch.get_num_threads()
    return env


def sweep(points, measure, label, log, rounds, repeats):
    """Times every point of the grid in `rounds` passes, repeats split over the passes.

    measure(a, b, n) returns n timings, or None for a point it skips. Splitting the repeats over
    passes spreads a slow stretch of the machine (another process, a clock change) over all points
    instead of concentrating it in a few. After an out-of-memory error at (a, b), (a, b) and every
    (a', b') with a' >= a and b' >= b are skipped. Returns ({(a, b): timings}, [OOM points]).
    """
    ooms = []
    timings = {}
    skipped = set()
    per_round = [repeats // rounds + (1 if r < repeats % rounds else 0) for r in range(rounds)]
    for r, n in enumerate(per_round):
        if n == 0:
            continue
        for a, b in points:
            if (a, b) in skipped:
                continue
            if any(a >= oa and b >= ob for oa, ob in ooms):
                skipped.add((a, b))
                timings.pop((a, b), None)
                log("%s batch=%d %d: skipped (an equal or smaller point ran out of memory)" % (label, a, b))
                continue
            try:
                t = measure(a, b, n)
                if t is None:
                    skipped.add((a, b))
                else:
                    timings.setdefault((a, b), []).extend(t)
            except Exception as e:  # noqa: BLE001 - only OOM is handled, the rest re-raised
                if not measure.is_oom(e):
                    raise
                ooms.append((a, b))
                skipped.add((a, b))
                timings.pop((a, b), None)
                log("%s batch=%d %d: out of memory, skipping it and larger points: %s"
                    % (label, a, b, str(e).splitlines()[0][:200]))
            finally:
                measure.cleanup()
    return {pt: timings[pt] for pt in points if pt in timings}, ooms


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="gpt2", help="gpt2, llama (built-in configs) or a config.json path")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config field (repeatable), e.g. --set n_layer=2")
    p.add_argument("--batches", type=int_list, default=[1, 2, 4], help="batch sizes (default 1,2,4)")
    p.add_argument("--seqs", type=int_list, default=[128, 256], help="prefill lengths (default 128,256)")
    p.add_argument("--caches", type=int_list, default=[128, 512], help="decode cache lengths (default 128,512)")
    p.add_argument("--phases", default="prefill,decode", help="prefill, decode or both (default)")
    p.add_argument("--repeats", type=int, default=10, help="timed calls per point (default 10)")
    p.add_argument("--warmup", type=int, default=3, help="untimed calls per point and pass before timing (default 3)")
    p.add_argument("--rounds", type=int, default=2,
                   help="passes over the grid; the repeats are split over them (default 2)")
    p.add_argument("--dtype", default="bf16", help="bf16 (default), fp16 or fp32")
    p.add_argument("--attn", default="sdpa", help="attention implementation: sdpa (default) or eager")
    p.add_argument("--runtime", default="hf-eager",
                   help="hf-eager (default: each forward from Python, a DynamicCache) or cuda-graphs (each call captured once "
                        "as a CUDA graph with a StaticCache and timed by replaying it: no per-op host dispatch); GPU only")
    p.add_argument("--device", default=None, help="cuda (default when available) or cpu")
    p.add_argument("--hardware", default=None, help="FlopScope hardware id (default: from the GPU's name; 'cpu' on CPU)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="JSON Lines file to write ('-' for stdout)")
    p.add_argument("--append", action="store_true", help="append to --out instead of replacing it")
    args = p.parse_args(argv)

    if args.repeats < 1 or args.warmup < 0 or args.rounds < 1:
        p.error("--repeats and --rounds must be at least 1 and --warmup at least 0")
    args.rounds = min(args.rounds, args.repeats)
    dtype_name = DTYPES.get(args.dtype.lower())
    if dtype_name is None:
        p.error("--dtype %s: expected bf16, fp16 or fp32" % args.dtype)
    phases = [x.strip() for x in args.phases.split(",") if x.strip()]
    if not phases or any(x not in ("prefill", "decode") for x in phases):
        p.error("--phases %s: expected prefill, decode or prefill,decode" % args.phases)
    overrides = []
    for item in args.set:
        if "=" not in item:
            p.error("--set %s: expected KEY=VALUE" % item)
        k, v = item.split("=", 1)
        overrides.append((k.strip(), parse_value(v.strip())))
    if args.runtime not in ("hf-eager", "cuda-graphs"):
        p.error("--runtime %s: expected hf-eager or cuda-graphs" % args.runtime)
    name, cfg = load_config(args.model, overrides)

    import torch
    import transformers

    def log(msg):
        print("measure.py: " + msg, file=sys.stderr, flush=True)

    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("measure.py: --device cuda but torch sees no GPU; use --device cpu for a smoke test")
    torch.manual_seed(args.seed)
    dtype = getattr(torch, dtype_name)
    if args.runtime == "cuda-graphs" and device.type != "cuda":
        sys.exit("measure.py: --runtime cuda-graphs needs a CUDA GPU (it captures CUDA graphs)")
    env = environment(torch, transformers, device)
    env["runtime"] = args.runtime
    hw = args.hardware or (hardware_id(env["gpu"]) if device.type == "cuda" else "cpu")

    t0 = time.perf_counter()
    model, attn_impl = build_model(torch, transformers, cfg, dtype, device, args.attn)
    n_params = sum(t.numel() for t in model.parameters())
    log("built %s (%s, %.1f M parameters, %s, attn=%s) on %s in %.1f s"
        % (name, type(model).__name__, n_params / 1e6, dtype_name, attn_impl, env.get("gpu", device.type),
           time.perf_counter() - t0))
    vocab = int(model.config.vocab_size)
    limit = max_positions(cfg)
    timer = Timer(torch, device)
    out = sys.stdout if args.out == "-" else open(args.out, "a" if args.append else "w", encoding="utf-8")
    written = 0
    common = {
        "format": FORMAT,
        "model": name,
        "config": cfg,
        "model_class": type(model).__name__,
        "hardware": hw,
        "dtype": DTYPE_IDS[dtype_name],
        "attn_implementation": attn_impl,
    }

    def emit(phase, batch, seq_len, cache_len, timings):
        nonlocal written
        rec = dict(common)
        rec.update({
            "phase": phase, "batch": batch, "seq_len": seq_len, "cache_len": cache_len,
            "timings_s": [float("%.9g" % t) for t in timings],
            "warmup": args.warmup,
            "rounds": args.rounds,
            "timing": "cuda_events" if device.type == "cuda" else "perf_counter",
            "measured_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "env": env,
        })
        out.write(json.dumps(rec, sort_keys=False) + "\n")
        out.flush()
        written += 1
        med = sorted(timings)[len(timings) // 2]
        log("%s batch=%d seq_len=%d cache_len=%d: median %.3f ms over %d"
            % (phase, batch, seq_len, cache_len, med * 1e3, len(timings)))

    class Measure:
        def __init__(self, fn):
            self.fn = fn

        def __call__(self, a, b, n):
            return self.fn(a, b, n)

        def is_oom(self, e):
            return is_oom(torch, e)

        def cleanup(self):
            free_memory(torch, device)

    ooms = []
    with torch.no_grad():
        if "prefill" in phases:
            def prefill(batch, seq, n):
                if limit is not None and seq > limit:
                    log("prefill batch=%d seq_len=%d: skipped (over the model's %d positions)" % (batch, seq, limit))
                    return None
                if args.runtime == "cuda-graphs":
                    return graphed_prefill_point(torch, transformers, model, timer, vocab, device, batch, seq, args.warmup, n, dtype)
                return prefill_point(torch, transformers, model, timer, vocab, device, batch, seq, args.warmup, n)
            grid = [(b, s) for b in args.batches for s in args.seqs]
            done, o = sweep(grid, Measure(prefill), "prefill", log, args.rounds, args.repeats)
            ooms += o
            for (batch, seq), t in done.items():
                emit("prefill", batch, seq, 0, t)
        if "decode" in phases:
            def decode(batch, cache_len, n):
                if limit is not None and cache_len + 1 > limit:
                    log("decode batch=%d cache_len=%d: skipped (over the model's %d positions)" % (batch, cache_len, limit))
                    return None
                if args.runtime == "cuda-graphs":
                    return graphed_decode_point(torch, transformers, model, timer, vocab, device, batch, cache_len, args.warmup, n, dtype)
                return decode_point(torch, transformers, model, timer, vocab, device, batch, cache_len, args.warmup, n)
            grid = [(b, c) for b in args.batches for c in args.caches]
            done, o = sweep(grid, Measure(decode), "decode", log, args.rounds, args.repeats)
            ooms += o
            for (batch, cache_len), t in done.items():
                emit("decode", batch, 1, cache_len, t)
    if out is not sys.stdout:
        out.close()
    log("wrote %d measurements to %s%s" % (written, args.out,
                                           "" if not ooms else " (%d out-of-memory stops)" % len(ooms)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
