# Nested sampling with the emulator (always) and the full model (nested_sampling route),
# and the posterior artifacts that both full-posterior routes write.


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
    conda:
        ENV
    threads: 2
    params:
        cfg=sections("seed", "simulator", "parameters", "sampler"),
    script:
        "../scripts/nested_sampling.py"


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
    conda:
        ENV
    threads: 2
    params:
        cfg=sections("seed", "simulator", "parameters", "full_posterior", "reweighting"),
    script:
        "../scripts/posterior.py"
