# Training, validation and test sets, simulated in independent chunks and merged.


rule simulate_chunk:
    output:
        f"{RESULTS}/training_set/chunks/{{split}}_{{chunk}}.npz",
    log:
        "logs/simulate_chunk/{split}_{chunk}.log",
    benchmark:
        "benchmarks/simulate_chunk/{split}_{chunk}.tsv"
    conda:
        ENV
    resources:
        mem_mb=3000,
        runtime=10,
    params:
        cfg=sections("seed", "simulator", "parameters", "training_set"),
    script:
        "../scripts/simulate_chunk.py"


rule merge_split:
    input:
        expand(
            f"{RESULTS}/training_set/chunks/{{{{split}}}}_{{chunk}}.npz", chunk=CHUNKS
        ),
    output:
        signals=f"{RESULTS}/training_set/{{split}}.npz",
        failures=f"{RESULTS}/training_set/{{split}}_failures.csv",
    log:
        "logs/merge_split/{split}.log",
    benchmark:
        "benchmarks/merge_split/{split}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        cfg=sections("parameters", "training_set"),
    script:
        "../scripts/merge_split.py"


rule mock_data:
    output:
        f"{RESULTS}/data/noise_{{noise_mK}}mK.npz",
    log:
        "logs/mock_data/noise_{noise_mK}mK.log",
    benchmark:
        "benchmarks/mock_data/noise_{noise_mK}mK.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        cfg=sections("seed", "simulator", "parameters"),
    script:
        "../scripts/mock_data.py"
