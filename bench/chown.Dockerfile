# The tree of bench/chown.ts: 100,000 empty files in 1,000 directories under /home/jovyan/tree, all
# jovyan's (1000:100) but one file per directory (1%) owned by uid 1001. It is made in its own image
# layer, so that in a container every file changed lives in the lower layer and a chown of it means
# an overlayfs copy-up, as in a real image whose home was filled at build time.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER root
RUN mkdir /home/jovyan/tree && cd /home/jovyan/tree && \
    for d in $(seq 0 999); do mkdir "d$d" && (cd "d$d" && touch $(seq -f 'f%g' 0 99)); done && \
    chown -R 1000:100 /home/jovyan/tree && \
    chown 1001 /home/jovyan/tree/d*/f0 && \
    test "$(find /home/jovyan/tree -type f | wc -l)" = 100000 && \
    test "$(find /home/jovyan/tree ! -uid 1000 | wc -l)" = 1000
USER 1000
