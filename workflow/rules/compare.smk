# Density estimators of both posteriors, and the study's result at each noise level:
# D_KL(P_full || P_emulator) by both estimators, its bounds and linearised prediction.


# One job fits all estimators of one posterior (replicates x folds): each fit takes about
# a second once compiled, while starting a job that imports margarine takes ~10 s.
rule fit_density:
    input:
        table=run_path("posteriors/noise_{noise_mK}mK/{model}.csv"),
        summary=run_path("posteriors/noise_{noise_mK}mK/{model}.json"),
    output:
        directory(f"{RESULTS}/density/noise_{{noise_mK}}mK/{{model}}"),
    log:
        "logs/fit_density/noise_{noise_mK}mK_{model}.log",
    benchmark:
        "benchmarks/fit_density/noise_{noise_mK}mK_{model}.tsv"
    conda:
        ENV
    resources:
        mem_mb=4000,
        runtime=5,
    params:
        cfg=sections("seed", "parameters", "density_estimator"),
    script:
        "../scripts/fit_density.py"


rule linearise:
    input:
        emulator=rules.train_emulator.output,
    output:
        f"{RESULTS}/emulator/linearisation.npz",
    log:
        "logs/linearise.log",
    benchmark:
        "benchmarks/linearise.tsv"
    conda:
        ENV
    resources:
        mem_mb=4000,
        runtime=5,
    params:
        cfg=sections("simulator", "parameters"),
    script:
        "../scripts/linearise.py"


# Everything the tables and figures report about one noise level.
rule divergence:
    input:
        data=f"{RESULTS}/data/noise_{{noise_mK}}mK.npz",
        linearisation=rules.linearise.output[0],
        full=run_path("posteriors/noise_{noise_mK}mK/full.csv"),
        full_summary=run_path("posteriors/noise_{noise_mK}mK/full.json"),
        emulator=run_path("posteriors/noise_{noise_mK}mK/emulator.csv"),
        emulator_summary=run_path("posteriors/noise_{noise_mK}mK/emulator.json"),
        full_densities=run_path("density/noise_{noise_mK}mK/full"),
        emulator_densities=run_path("density/noise_{noise_mK}mK/emulator"),
        accuracy=rules.emulator_accuracy.output.summary,
        emulator_model=rules.train_emulator.output[0],
    output:
        f"{RESULTS}/divergence/noise_{{noise_mK}}mK.json",
    log:
        "logs/divergence/noise_{noise_mK}mK.log",
    benchmark:
        "benchmarks/divergence/noise_{noise_mK}mK.tsv"
    conda:
        ENV
    resources:
        mem_mb=3000,
        runtime=10,
    params:
        cfg=sections("seed", "parameters", "density_estimator", "divergence"),
    script:
        "../scripts/divergence.py"


# The bounds and the linearised prediction against the noise level (the D_KL figure).
rule kl_prediction:
    input:
        accuracy=rules.emulator_accuracy.output.summary,
        linearisation=rules.linearise.output[0],
    output:
        f"{RESULTS}/divergence/prediction.csv",
    log:
        "logs/kl_prediction.log",
    benchmark:
        "benchmarks/kl_prediction.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        noise_levels=config["noise_levels_mK"],
    script:
        "../scripts/kl_prediction.py"
