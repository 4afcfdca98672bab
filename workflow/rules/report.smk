# Tables and figures. Cheap rules that only read results, so restyling never reruns
# a sampler.


rule tables:
    input:
        results=per_noise(rules.divergence.output[0]),
        accuracy=rules.emulator_accuracy.output.summary,
    output:
        [
            (
                report(path, caption="../report/tables.rst", category="Tables")
                if path.endswith(".csv")
                else path
            )
            for path in expand(
                f"{RESULTS}/tables/{{name}}.{{ext}}",
                name=TABLES,
                ext=["csv", "md", "tex"],
            )
        ],
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
        unpack(emulator_error_inputs),
    output:
        pdf=f"{RESULTS}/figures/emulator_error.pdf",
        png=report(
            f"{RESULTS}/figures/emulator_error.png",
            caption="../report/emulator_error.rst",
            category="Emulator",
        ),
    log:
        "logs/figures/emulator_error.log",
    benchmark:
        "benchmarks/figures/emulator_error.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        noise_levels=config["noise_levels_mK"],
    script:
        "../scripts/figure_emulator_error.py"


rule figure_corner:
    input:
        full=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/full.csv",
        full_summary=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/full.json",
        emulator=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/emulator.csv",
        emulator_summary=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/emulator.json",
    output:
        pdf=f"{RESULTS}/figures/corner_noise_{{noise_mK}}mK.pdf",
        png=report(
            f"{RESULTS}/figures/corner_noise_{{noise_mK}}mK.png",
            caption="../report/corner.rst",
            category="Posteriors",
            subcategory="{noise_mK} mK",
        ),
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
        pdf=f"{RESULTS}/figures/kl.pdf",
        png=report(
            f"{RESULTS}/figures/kl.png",
            caption="../report/kl.rst",
            category="D_KL",
        ),
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


rule figure_rmse_allowed:
    input:
        kl=f"{RESULTS}/tables/kl.csv",
        accuracy=rules.emulator_accuracy.output.summary,
    output:
        pdf=f"{RESULTS}/figures/rmse_allowed.pdf",
        png=report(
            f"{RESULTS}/figures/rmse_allowed.png",
            caption="../report/rmse_allowed.rst",
            category="D_KL",
        ),
    log:
        "logs/figures/rmse_allowed.log",
    benchmark:
        "benchmarks/figures/rmse_allowed.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure_rmse_allowed.py"


rule figure_bias:
    input:
        f"{RESULTS}/tables/bias.csv",
    output:
        pdf=f"{RESULTS}/figures/bias.pdf",
        png=report(
            f"{RESULTS}/figures/bias.png",
            caption="../report/bias.rst",
            category="Posteriors",
        ),
    log:
        "logs/figures/bias.log",
    benchmark:
        "benchmarks/figures/bias.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        cfg=sections("parameters"),
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
