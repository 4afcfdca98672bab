# Nested sampling with the emulator (always) and the full model (the nested_sampling and
# repartitioned routes; the latter after the emulator posterior, which shapes its prior),
# and the posterior artifacts that every full-posterior route writes.


# A shell rule, unlike the others: an MPI sampler's ranks each run the script, launched
# through {resources.mpi} with {resources.tasks} processes.
rule nested_sampling:
    input:
        unpack(model_inputs),
        data=f"{RESULTS}/data/noise_{{noise_mK}}mK.npz",
        script=Path(workflow.current_basedir, "../scripts/nested_sampling.py").resolve(),
    output:
        samples=f"{RESULTS}/sampling/{{model}}/noise_{{noise_mK}}mK/nested_samples.csv",
        stats=f"{RESULTS}/sampling/{{model}}/noise_{{noise_mK}}mK/stats.json",
    log:
        "logs/nested_sampling/{model}_noise_{noise_mK}mK.log",
    benchmark:
        "benchmarks/nested_sampling/{model}_noise_{noise_mK}mK.tsv"
    # Before the figures and density fits that are also ready: the full-model runs are
    # the study's critical path, and each waits for its level's emulator posterior.
    priority: 1
    conda:
        ENV
    # One: two hyprfine runs side by side do 1.4 times the signals per second of one run
    # on both cores (XLA gains little from a second thread in the ODE solver's loop).
    threads: 1
    resources:
        mem_mb=2000,
        # per CPU as well, so that an MPI job's request grows with its tasks
        mem_mb_per_cpu=1000,
        # hyprfine's full-model runs take tens of minutes on 2 cores (README); one cut
        # short by its time limit resumes from its checkpoint when resubmitted
        runtime=lambda wildcards: 180 if wildcards.model == "full" else 30,
        tasks=SAMPLER_TASKS,
        mpi=mpi_launcher,
    params:
        # A function, so that the braces of LaTeX labels are not read as wildcards.
        cfg=sampling_sections,
        emulator=lambda wildcards, input: input.get("emulator", ""),
        emulator_posterior=lambda wildcards, input: (
            f"--emulator-posterior {shlex.quote(input.emulator_table)} "
            f"{shlex.quote(input.emulator_summary)}"
            if repartitioned(wildcards)
            else ""
        ),
    shell:
        "{resources.mpi} python {input.script:q} --config {params.cfg:q}"
        " --model {wildcards.model} --noise-mK {wildcards.noise_mK}"
        " --data {input.data:q} --emulator={params.emulator:q}"
        " --samples {output.samples:q} --stats {output.stats:q} --log {log:q}"
        " {params.emulator_posterior}"


rule posterior:
    input:
        unpack(posterior_inputs),
    output:
        table=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/{{model}}.csv",
        summary=f"{RESULTS}/posteriors/noise_{{noise_mK}}mK/{{model}}.json",
    log:
        "logs/posterior/{model}_noise_{noise_mK}mK.log",
    benchmark:
        "benchmarks/posterior/{model}_noise_{noise_mK}mK.tsv"
    priority: 1
    conda:
        ENV
    threads: posterior_threads
    resources:
        mem_mb=4000,
        runtime=15,
    params:
        cfg=sections("seed", "simulator", "parameters", "full_posterior", "reweighting"),
    script:
        "../scripts/posterior.py"
