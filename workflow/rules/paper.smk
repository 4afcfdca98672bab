# The paper: its numbers and tables from the study's outputs (part of the default
# target), and the PDF (`snakemake paper`, needs LaTeX).


rule paper_inputs:
    input:
        unpack(accuracy_without_preprocessing),
        unpack(repeats_table_input),
        results=per_noise(rules.divergence.output[0]),
        accuracy=rules.emulator_accuracy.output.summary,
        stats=sampling_stats(),
    output:
        expand(f"{RESULTS}/paper/{{name}}.tex", name=PAPER_FILES),
    log:
        "logs/paper_inputs.log",
    benchmark:
        "benchmarks/paper_inputs.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        cfg=sections(
            "seed",
            "parameters",
            "simulator",
            "emulator",
            "sampler",
            "density_estimator",
            "full_posterior",
            "training_set",
        ),
        noise_labels=NOISE_LEVELS,
    script:
        "../scripts/paper_inputs.py"


rule paper:
    input:
        # beside the Snakefile, not in the working directory (which holds the results)
        source=Path(workflow.current_basedir, "../../paper/ms.tex").resolve(),
        bibliography=Path(workflow.current_basedir, "../../paper/ms.bib").resolve(),
        generated=rules.paper_inputs.output,
        figures=[
            f"{RESULTS}/figures/{name}.pdf"
            for name in ["emulator_error", "kl", "rmse_allowed", "bias"]
        ],
        corners=per_noise(f"{RESULTS}/figures/corner_noise_{{noise_mK}}mK.pdf"),
        repeats=repeats_figure,
    output:
        report(
            f"{RESULTS}/paper/ms.pdf", caption="../report/paper.rst", category="Paper"
        ),
    log:
        "logs/paper.log",
    benchmark:
        "benchmarks/paper.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/paper.py"
