#!/usr/bin/python3
"""The peers Lookbook is measured against, run by lookbook-bench on the same machine and the same data.

Each measurement prints one JSON line: {"name", "value", "unit", "note"}.
  vectors:   FAISS (IndexFlatIP, IndexHNSWFlat) and scikit-learn NearestNeighbors(brute) over the vectors
             lookbook-bench wrote (vectors.f32, queries.f32, truth.i32 in --dir).
  embedding: torchvision ResNet18/ResNet50 (random weights: the architecture fixes the cost) in inference mode.
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def emit(name, value, unit, note=""):
    print(json.dumps({"name": name, "value": float(value), "unit": unit, "note": note}), flush=True)


def resident_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def recall(found, truth):
    k = truth.shape[1]
    return sum(len(set(f[:k]) & set(t)) for f, t in zip(found, truth)) / (truth.shape[0] * k)


def one_at_a_time(search, queries, threads):
    """Queries/s answering each query alone, on `threads` threads (FAISS releases the GIL while searching)."""
    for q in queries[:50]:
        search(q[None, :])
    found = [None] * len(queries)

    def run(i):
        found[i] = search(queries[i][None, :])[0]

    start = time.perf_counter()
    if threads == 1:
        for i in range(len(queries)):
            run(i)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(run, range(len(queries))))
    return len(queries) / (time.perf_counter() - start), found


def vectors(args):
    import faiss
    from sklearn.neighbors import NearestNeighbors

    data = np.fromfile(os.path.join(args.dir, "vectors.f32"), dtype=np.float32).reshape(-1, args.dim)
    queries = np.fromfile(os.path.join(args.dir, "queries.f32"), dtype=np.float32).reshape(-1, args.dim)
    truth = np.fromfile(os.path.join(args.dir, "truth.i32"), dtype=np.int32).reshape(len(queries), -1)
    k = truth.shape[1]
    faiss.omp_set_num_threads(args.threads)

    if args.kind == "exact":
        flat = faiss.IndexFlatIP(args.dim)
        flat.add(data)
        for threads in (1, 2):
            faiss.omp_set_num_threads(1)  # one query at a time: parallelism comes from concurrent queries
            rate, found = one_at_a_time(lambda q: flat.search(q, k)[1], queries, threads)
            emit(f"FAISS IndexFlatIP, {threads} thread{'s' if threads > 1 else ''}", rate, "queries/s", f"recall@10 {recall(found, truth):.3f}")
        faiss.omp_set_num_threads(args.threads)
        start = time.perf_counter()
        flat.search(queries, k)
        emit("FAISS IndexFlatIP, all queries in one batch", len(queries) / (time.perf_counter() - start), "queries/s", "BLAS matrix product, 2 threads")
        del flat

        brute = NearestNeighbors(n_neighbors=k, algorithm="brute", metric="cosine", n_jobs=args.threads).fit(data)
        sample = queries[: min(len(queries), 200)]
        rate, found = one_at_a_time(lambda q: brute.kneighbors(q, return_distance=False), sample, 1)
        emit("scikit-learn NearestNeighbors(brute), 1 thread", rate, "queries/s", f"recall@10 {recall(found, truth[: len(sample)]):.3f}; {len(sample)} queries")
        return

    faiss.omp_set_num_threads(args.threads)
    rss_before = resident_bytes()
    hnsw = faiss.IndexHNSWFlat(args.dim, args.m, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = args.ef_add
    start = time.perf_counter()
    hnsw.add(data)
    build = time.perf_counter() - start
    emit("FAISS IndexHNSWFlat build, 2 threads", build, "s", f"{len(data) / build:,.0f} vectors/s; M={args.m}, efConstruction={args.ef_add}, float32")
    emit("FAISS IndexHNSWFlat memory", (resident_bytes() - rss_before) / len(data), "bytes/vector", "growth of the process's resident memory")
    hnsw.hnsw.efSearch = args.ef
    faiss.omp_set_num_threads(1)
    for threads in (1, 2):
        rate, found = one_at_a_time(lambda q: hnsw.search(q, k)[1], queries, threads)
        emit(f"FAISS IndexHNSWFlat, {threads} thread{'s' if threads > 1 else ''}", rate, "queries/s", f"recall@10 {recall(found, truth):.3f}, efSearch={args.ef}")


def embedding(args):
    import torch
    import torchvision

    torch.set_num_threads(args.threads)
    model = getattr(torchvision.models, args.model)(weights=None).eval()
    batch = torch.rand(args.batch, 3, args.size, args.size)
    with torch.inference_mode():
        for _ in range(3):
            model(batch)
        rounds = max(1, args.images // args.batch)
        start = time.perf_counter()
        for _ in range(rounds):
            model(batch)
        elapsed = time.perf_counter() - start
    emit(f"PyTorch {args.model}, {args.size} px, batch {args.batch}", rounds * args.batch / elapsed, "images/s",
         f"torch {torch.__version__}, {args.threads} threads, random weights")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("vectors")
    v.add_argument("--dir", required=True)
    v.add_argument("--dim", type=int, required=True)
    v.add_argument("--kind", choices=["exact", "approximate"], required=True)
    v.add_argument("--threads", type=int, default=2)
    v.add_argument("--m", type=int, default=16)
    v.add_argument("--ef-add", type=int, default=128)
    v.add_argument("--ef", type=int, default=64)
    e = sub.add_parser("embedding")
    e.add_argument("--model", default="resnet18")
    e.add_argument("--size", type=int, default=224)
    e.add_argument("--batch", type=int, default=8)
    e.add_argument("--images", type=int, default=64)
    e.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    {"vectors": vectors, "embedding": embedding}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
