# Tables and figures. Cheap rules that only read results, so restyling never reruns
# a sampler.


rule tables:
    input:
        results=per_noise(rules.divergence.output[0]),
        accuracy=rules.emulator_accuracy.output.summary,
    output:
        expand(
            f"{RESULTS}/tables/{{name}}.{{ext}}", name=TABLES, ext=["csv", "md", "tex"]
        ),
    log:
        "logs/tables.log",
    benchmark:
        "benchmarks/tables.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/tables.py"


rule figure_emulator_error:
    input:
        rules.emulator_accuracy.output.errors,
    output:
        multiext(f"{RESULTS}/figures/emulator_error", ".pdf", ".png"),
    log:
        "logs/figures/emulator_error.log",
    benchmark:
        "benchmarks/figures/emulator_error.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure_emulator_error.py"


rule figure_corner:
    input:
        full=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/full.csv",
        full_summary=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/full.json",
        emulator=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/emulator.csv",
        emulator_summary=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/emulator.json",
    output:
        multiext(f"{RESULTS}/figures/corner_noise_{{noise_mK}}mK", ".pdf", ".png"),
    log:
        "logs/figures/corner_noise_{noise_mK}mK.log",
    benchmark:
        "benchmarks/figures/corner_noise_{noise_mK}mK.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        cfg=sections("parameters"),
    script:
        "../scripts/figure_corner.py"


rule figure_kl:
    input:
        kl=f"{RESULTS}/tables/kl.csv",
        prediction=rules.kl_prediction.output[0],
        accuracy=rules.emulator_accuracy.output.summary,
    output:
        multiext(f"{RESULTS}/figures/kl", ".pdf", ".png"),
    log:
        "logs/figures/kl.log",
    benchmark:
        "benchmarks/figures/kl.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure_kl.py"


rule figure_bias:
    input:
        f"{RESULTS}/tables/bias.csv",
    output:
        multiext(f"{RESULTS}/figures/bias", ".pdf", ".png"),
    log:
        "logs/figures/bias.log",
    benchmark:
        "benchmarks/figures/bias.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure_bias.py"


# The validation problem (an emulator that knows the exact D_KL, e.g. perturbed): the
# exact value beside every estimate.
rule validation_table:
    input:
        results=per_noise(rules.divergence.output[0]),
    output:
        multiext(f"{RESULTS}/validation/kl", ".csv", ".md", ".tex"),
    log:
        "logs/validation_table.log",
    benchmark:
        "benchmarks/validation_table.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/validation_table.py"
