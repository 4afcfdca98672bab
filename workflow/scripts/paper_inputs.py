"""The paper's numbers (numbers.tex, one macro each) and its tables, as LaTeX."""

from pathlib import Path

from posterior_recovery import paper, study

study.setup_logging(snakemake.log[0])
files = study.paper_inputs(
    snakemake.params.cfg,
    snakemake.input.results,
    snakemake.input.accuracy,
    snakemake.input.stats,
    snakemake.params.noise_labels,
    snakemake.input.get("accuracy_without_preprocessing"),
    snakemake.input.get("repeats"),
)
outputs = {Path(path).stem: path for path in snakemake.output}
for name, text in files.items():
    paper.write_text(outputs[name], text)
