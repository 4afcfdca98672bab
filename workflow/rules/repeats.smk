# Repeat runs (config repeats; the paper's Fig. C1): at one noise level, both posteriors
# are made again, their nested-sampling runs under sampler seeds of their own, on the
# same data and emulator, through the study's own rules; each repeat's files sit in
# results/repeats/seed_<s>/. The table and figure set every run's D_KL, evidences and
# posteriors side by side.

REPEAT = f"{RESULTS}/repeats/seed_{{sampler_seed}}"


use rule nested_sampling as nested_sampling_repeat with:
    output:
        samples=f"{REPEAT}/sampling/{{model}}/noise_{{noise_mK}}mK/nested_samples.csv",
        stats=f"{REPEAT}/sampling/{{model}}/noise_{{noise_mK}}mK/stats.json",
    log:
        "logs/repeats/seed_{sampler_seed}/nested_sampling/{model}_noise_{noise_mK}mK.log",
    benchmark:
        "benchmarks/nested_sampling_repeat/seed_{sampler_seed}_{model}_noise_{noise_mK}mK.tsv"


use rule posterior as posterior_repeat with:
    output:
        table=f"{REPEAT}/posteriors/noise_{{noise_mK}}mK/{{model}}.csv",
        summary=f"{REPEAT}/posteriors/noise_{{noise_mK}}mK/{{model}}.json",
    log:
        "logs/repeats/seed_{sampler_seed}/posterior/{model}_noise_{noise_mK}mK.log",
    benchmark:
        "benchmarks/posterior_repeat/seed_{sampler_seed}_{model}_noise_{noise_mK}mK.tsv"


use rule fit_density as fit_density_repeat with:
    output:
        directory(f"{REPEAT}/density/noise_{{noise_mK}}mK/{{model}}"),
    log:
        "logs/repeats/seed_{sampler_seed}/fit_density/noise_{noise_mK}mK_{model}.log",
    benchmark:
        "benchmarks/fit_density_repeat/seed_{sampler_seed}_noise_{noise_mK}mK_{model}.tsv"


use rule divergence as divergence_repeat with:
    output:
        f"{REPEAT}/divergence/noise_{{noise_mK}}mK.json",
    log:
        "logs/repeats/seed_{sampler_seed}/divergence/noise_{noise_mK}mK.log",
    benchmark:
        "benchmarks/divergence_repeat/seed_{sampler_seed}_noise_{noise_mK}mK.tsv"


rule repeats_table:
    input:
        results=repeat_level_runs(
            rules.divergence.output[0], rules.divergence_repeat.output[0]
        ),
    output:
        report(
            f"{RESULTS}/tables/repeats.csv",
            caption="../report/repeats.rst",
            category="Tables",
        ),
        f"{RESULTS}/tables/repeats.md",
        f"{RESULTS}/tables/repeats.tex",
    log:
        "logs/repeats_table.log",
    benchmark:
        "benchmarks/repeats_table.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        sampler_seeds=repeat_sampler_seeds,
    script:
        "../scripts/repeats_table.py"


rule figure_repeats:
    input:
        **{
            f"{model}{kind}": repeat_level_runs(
                rules.posterior.output[output],
                rules.posterior_repeat.output[output],
                model=model,
            )
            for model in MODELS
            for output, kind in (("table", ""), ("summary", "_summary"))
        },
    output:
        pdf=f"{RESULTS}/figures/repeats.pdf",
        png=report(
            f"{RESULTS}/figures/repeats.png",
            caption="../report/repeats.rst",
            category="Posteriors",
        ),
    log:
        "logs/figures/repeats.log",
    benchmark:
        "benchmarks/figures/repeats.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        cfg=sections("parameters"),
        sampler_seeds=repeat_sampler_seeds,
        noise_mK=lambda wildcards: config["repeats"]["noise_mK"],
    script:
        "../scripts/figure_repeats.py"
