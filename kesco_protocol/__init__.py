"""The contract between a counter and the central server: money, record kinds and states, canonical
JSON, the hash chain, the export seal, counter codes and the consumer wire fields. Both sides import
it; it imports neither of them, nor Qt."""
