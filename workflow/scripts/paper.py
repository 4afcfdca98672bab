"""The paper's PDF: paper/ms.tex built with latexmk beside the generated inputs."""

from pathlib import Path

from posterior_recovery import paper, study

log = study.setup_logging(snakemake.log[0])
try:
    paper.build_pdf(
        snakemake.input.source,
        Path(snakemake.input.generated[0]).parent,
        snakemake.output[0],
        snakemake.log[0],
    )
except RuntimeError as error:
    log.error("%s", error)
    raise SystemExit(str(error)) from None
