# Nested sampling with the emulator (always) and the full model (nested_sampling route),
# and the posterior artifacts that both full-posterior routes write.


def model_inputs(wildcards):
    """The trained emulator where the run needs it."""
    return (
        {"emulator": rules.train_emulator.output}
        if wildcards.model == "emulator"
        else {}
    )


rule nested_sampling:
    input:
        unpack(model_inputs),
        data=f"{RESULTS}/data/noise_{{noise}}mK.npz",
    output:
        samples=f"{RESULTS}/sampling/{{model}}/noise_{{noise}}mK/nested_samples.csv",
        stats=f"{RESULTS}/sampling/{{model}}/noise_{{noise}}mK/stats.json",
    log:
        "logs/nested_sampling/{model}_noise_{noise}mK.log",
    benchmark:
        "benchmarks/nested_sampling/{model}_noise_{noise}mK.tsv"
    threads: 2
    params:
        cfg=sections("seed", "simulator", "parameters", "sampler"),
    script:
        "../scripts/nested_sampling.py"


def posterior_inputs(wildcards):
    """What the posterior of each model is made from, by the configured route."""
    run = f"{RESULTS}/sampling/{{model}}/noise_{wildcards.noise}mK/nested_samples.csv"
    inputs = {
        "data": f"{RESULTS}/data/noise_{wildcards.noise}mK.npz",
        "emulator": rules.train_emulator.output[0],
    }
    if wildcards.model == "full" and config["full_posterior"] == "reweighting":
        inputs["samples"] = run.format(model="emulator")
    else:
        inputs["samples"] = run.format(model=wildcards.model)
        inputs["stats"] = inputs["samples"].replace("nested_samples.csv", "stats.json")
    return inputs


rule posterior:
    input:
        unpack(posterior_inputs),
    output:
        table=f"{RESULTS}/posteriors/noise_{{noise}}mK/{{model}}.csv",
        summary=f"{RESULTS}/posteriors/noise_{{noise}}mK/{{model}}.json",
    log:
        "logs/posterior/{model}_noise_{noise}mK.log",
    benchmark:
        "benchmarks/posterior/{model}_noise_{noise}mK.tsv"
    threads: 2
    params:
        cfg=sections("seed", "simulator", "parameters", "full_posterior", "reweighting"),
    script:
        "../scripts/posterior.py"
