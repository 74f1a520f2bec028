package io.flopscope.predict;

import io.flopscope.evaluate.Dtype;
import io.flopscope.formula.Rational;
import java.util.Locale;

/**
 * What a prediction runs on: a hardware profile, the dtype keys whose peaks apply, and the
 * tensor-parallel degree. The rates are the effective ones of docs/prediction.md: peak × efficiency,
 * multiplied by the tensor-parallel degree (each of N devices does 1/N of every kernel's work).
 *
 * @param matmulDtype key of {@link HardwareProfile#matmulFlopsPerS()} used for matmul FLOPs
 * @param vectorDtype key of {@link HardwareProfile#vectorFlopsPerS()} used for vector FLOPs
 */
public record Target(HardwareProfile hardware, String matmulDtype, String vectorDtype, int tensorParallel) {
    public static final int MAX_TP = 1024;

    public Target {
        if (tensorParallel < 1 || tensorParallel > MAX_TP) throw new IllegalArgumentException("tensor-parallel degree must lie in 1.." + MAX_TP + ", got " + tensorParallel);
        if (hardware.matmulPeak(matmulDtype).isEmpty()) throw new IllegalArgumentException(missing(hardware, "matmul", matmulDtype));
        if (hardware.vectorPeak(vectorDtype).isEmpty()) throw new IllegalArgumentException(missing(hardware, "vector", vectorDtype));
        if (tensorParallel > 1 && hardware.interconnectBytesPerS() <= 0) {
            throw new IllegalArgumentException(hardware.id() + " states no interconnect bandwidth (interconnect_bytes_per_s), so tensor parallelism cannot be modelled");
        }
    }

    /**
     * The peaks for activations of dtype {@code activations}: bf16 → "bf16", fp16 → "fp16", fp32 → "fp32",
     * or "tf32" for the matrix units when {@code tf32} (PyTorch's allow_tf32). Vector work uses the
     * activation dtype's own key (fp32 under tf32).
     * @throws IllegalArgumentException when the device states no peak for that dtype
     */
    public static Target of(HardwareProfile hw, Dtype activations, boolean tf32, int tensorParallel) {
        if (tf32 && activations != Dtype.FP32) {
            throw new IllegalArgumentException("tf32 applies to fp32 activations only (the activations are " + activations.id + ")");
        }
        if (activations == Dtype.INT8 || activations == Dtype.INT4 || activations == Dtype.FP8 || activations == Dtype.TF32) {
            throw new IllegalArgumentException("activations of dtype " + activations.id + " are not modelled; use fp32, bf16 or fp16");
        }
        return new Target(hw, tf32 ? "tf32" : activations.id, activations.id, tensorParallel);
    }

    private static String missing(HardwareProfile hw, String unit, String key) {
        var have = unit.equals("matmul") ? hw.matmulFlopsPerS().keySet() : hw.vectorFlopsPerS().keySet();
        String hint = "";
        if (unit.equals("matmul") && key.equals("bf16") && have.contains("fp16")) hint = "; it has fp16: try --dtype fp16";
        else if (unit.equals("matmul") && key.equals("fp32") && have.contains("tf32")) hint = "; try --tf32";
        return hw.id() + " (" + hw.name() + ") states no " + unit + " peak for " + key + " (it lists " + String.join(", ", have) + ")" + hint;
    }

    public Target withTensorParallel(int n) { return new Target(hardware, matmulDtype, vectorDtype, n); }

    /** Effective matmul FLOP/s of the whole tensor-parallel group: peak × efficiency × N. */
    public double matmulRate() { return hardware.matmulPeak(matmulDtype).orElseThrow() * hardware.efficiency().matmul() * tensorParallel; }

    public double vectorRate() { return hardware.vectorPeak(vectorDtype).orElseThrow() * hardware.efficiency().vector() * tensorParallel; }

    public double memoryRate() { return hardware.memoryBandwidthBytesPerS() * hardware.efficiency().memory() * tensorParallel; }

    /** The gap the device leaves between two kernels (the runtime's; hf-eager: the profile's launch_overhead_s). */
    public double launchOverhead() { return hardware.host().deviceGapS(); }

    /** The host's costs of a forward call under the profile's runtime. */
    public HardwareProfile.Host host() { return hardware.host(); }

    /** Exact forms of the rates (the profile's decimals read exactly), for closed-form sums. */
    Rational matmulRateExact() {
        return HardwareProfile.exact(hardware.matmulPeak(matmulDtype).orElseThrow()).multiply(HardwareProfile.exact(hardware.efficiency().matmul())).multiply(Rational.of(tensorParallel));
    }

    Rational vectorRateExact() {
        return HardwareProfile.exact(hardware.vectorPeak(vectorDtype).orElseThrow()).multiply(HardwareProfile.exact(hardware.efficiency().vector())).multiply(Rational.of(tensorParallel));
    }

    Rational memoryRateExact() {
        return HardwareProfile.exact(hardware.memoryBandwidthBytesPerS()).multiply(HardwareProfile.exact(hardware.efficiency().memory())).multiply(Rational.of(tensorParallel));
    }

    Rational launchOverheadExact() { return HardwareProfile.exact(hardware.host().deviceGapS()); }

    /** "bf16 matmul 989.4 TFLOP/s × 0.70, ..." for reports. */
    public String describe() {
        HardwareProfile h = hardware;
        return String.format(Locale.ROOT, "matmul %s %.1f TFLOP/s × %.2f, vector %s %.1f TFLOP/s × %.2f, memory %.2f TB/s × %.2f, launch %.2f µs%s"
                + "%nhost (%s): %.1f µs per kernel, %.1f µs per module call, %.1f µs per step",
                matmulDtype, h.matmulPeak(matmulDtype).orElseThrow() / 1e12, h.efficiency().matmul(),
                vectorDtype, h.vectorPeak(vectorDtype).orElseThrow() / 1e12, h.efficiency().vector(),
                h.memoryBandwidthBytesPerS() / 1e12, h.efficiency().memory(), h.host().deviceGapS() * 1e6,
                tensorParallel > 1 ? String.format(Locale.ROOT, ", tensor parallel ×%d over %s %.0f GB/s", tensorParallel,
                        h.interconnectName().isEmpty() ? "interconnect" : h.interconnectName(), h.interconnectBytesPerS() / 1e9) : "",
                h.host().runtime(), h.host().perKernelS() * 1e6, h.host().perModuleCallS() * 1e6, h.host().perStepS() * 1e6);
    }
}
