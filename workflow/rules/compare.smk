# Density estimators of both posteriors, and D_KL(P_full || P_emulator) with its bounds
# and its linearised prediction.


# One job fits all estimator seeds of one posterior: each fit takes seconds (KDE) to
# minutes (flows), while starting a job that imports margarine takes ~10 s.
rule fit_density:
    input:
        f"{RESULTS}/posteriors/noise_{{noise}}mK/{{model}}.csv",
    output:
        directory(f"{RESULTS}/density/noise_{{noise}}mK/{{model}}"),
    log:
        "logs/fit_density/noise_{noise}mK_{model}.log",
    benchmark:
        "benchmarks/fit_density/noise_{noise}mK_{model}.tsv"
    conda:
        ENV
    resources:
        mem_mb=6000,
        runtime=40,
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
        mem_mb=3000,
        runtime=5,
    params:
        cfg=sections("simulator", "parameters"),
    script:
        "../scripts/linearise.py"


rule divergence:
    input:
        data=f"{RESULTS}/data/noise_{{noise}}mK.npz",
        linearisation=rules.linearise.output[0],
        full=f"{RESULTS}/posteriors/noise_{{noise}}mK/full.csv",
        full_summary=f"{RESULTS}/posteriors/noise_{{noise}}mK/full.json",
        emulator=f"{RESULTS}/posteriors/noise_{{noise}}mK/emulator.json",
        full_densities=f"{RESULTS}/density/noise_{{noise}}mK/full",
        emulator_densities=f"{RESULTS}/density/noise_{{noise}}mK/emulator",
        accuracy=rules.emulator_accuracy.output.summary,
    output:
        f"{RESULTS}/divergence/noise_{{noise}}mK.json",
    log:
        "logs/divergence/noise_{noise}mK.log",
    benchmark:
        "benchmarks/divergence/noise_{noise}mK.tsv"
    conda:
        ENV
    resources:
        mem_mb=3000,
        runtime=10,
    params:
        cfg=sections("seed", "density_estimator", "divergence"),
    script:
        "../scripts/divergence.py"
