# The emulator (globalemu, or the perturbed linear model): making it, test-set accuracy.


rule train_emulator:
    input:
        train=f"{RESULTS}/training_set/train.npz",
        validation=f"{RESULTS}/training_set/validation.npz",
    output:
        directory(f"{RESULTS}/emulator/model"),
    log:
        "logs/train_emulator.log",
    benchmark:
        "benchmarks/train_emulator.tsv"
    # first when both are ready: no posterior waits for the figure-only emulator below
    priority: 1
    conda:
        ENV
    threads: 2
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        cfg=sections("seed", "simulator", "parameters", "emulator"),
    script:
        "../scripts/train_emulator.py"


rule emulator_accuracy:
    input:
        model=rules.train_emulator.output,
        test=f"{RESULTS}/training_set/test.npz",
    output:
        summary=f"{RESULTS}/emulator/accuracy.json",
        errors=f"{RESULTS}/emulator/test_errors.npz",
    log:
        "logs/emulator_accuracy.log",
    benchmark:
        "benchmarks/emulator_accuracy.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        cfg=sections("parameters"),
    script:
        "../scripts/emulator_accuracy.py"


# The emulator-error figure's second emulator (config emulator_without_preprocessing):
# the same rules, with the emulator's preprocessing turned off, in folders of its own.
use rule train_emulator as train_emulator_without_preprocessing with:
    output:
        directory(f"{RESULTS}/emulator_without_preprocessing/model"),
    log:
        "logs/train_emulator_without_preprocessing.log",
    benchmark:
        "benchmarks/train_emulator_without_preprocessing.tsv"
    priority: 0
    params:
        # a function: evaluated only where the switch puts the job in the DAG
        cfg=lambda wildcards: sections_without_preprocessing(
            "seed", "simulator", "parameters", "emulator"
        ),


use rule emulator_accuracy as emulator_accuracy_without_preprocessing with:
    input:
        model=rules.train_emulator_without_preprocessing.output,
        test=f"{RESULTS}/training_set/test.npz",
    output:
        summary=f"{RESULTS}/emulator_without_preprocessing/accuracy.json",
        errors=f"{RESULTS}/emulator_without_preprocessing/test_errors.npz",
    log:
        "logs/emulator_accuracy_without_preprocessing.log",
    benchmark:
        "benchmarks/emulator_accuracy_without_preprocessing.tsv"
