"""Rows copied verbatim from the public GSM8K test split and MMLU (STEM subjects), and answers to
the GSM8K row in verl's format (test_gold.py, integrations/test_trl_real_formats.py,
integrations/test_verl_real_formats.py)."""

from __future__ import annotations

GSM8K = {  # openai/gsm8k, main, test row 0
    "question": "Janet\u2019s ducks lay 16 eggs per day. She eats three for breakfast every "
                "morning and bakes muffins for her friends every day with four. She sells the "
                "remainder at the farmers' market daily for $2 per fresh duck egg. How much in "
                "dollars does she make every day at the farmers' market?",
    "answer": "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = "
              "$<<9*2=18>>18 every day at the farmer\u2019s market.\n#### 18",
}
MMLU = {  # cais/mmlu, college_biology
    "question": "A frameshift mutation is created when",
    "type": "college_biology",
    "choices": ["telomeric sequences are removed from DNA",
                "a codon's nucleotide sequence changes so that it calls for production of a "
                "different amino acid than the original one",
                "a base pair is either inserted or deleted in a gene",
                "a codon's nucleotide sequence is changed so that instead of coding for a given "
                "amino acid it acts to terminate translation"],
    "answer": 2,
}
# verl's examples/data_preprocess/gsm8k.py asks for the answer after "####"
VERL_INSTRUCTION = 'Let\'s think step by step and output the final answer after "####".'
HASHES_RIGHT = ("Janet sells 16 - 3 - 4 = 9 duck eggs a day.\nShe makes 9 * 2 = $18 every day."
                "\n#### 18")
HASHES_WRONG = "She eats 3 and bakes 4, so she sells 16 - 7 = 9 eggs for $2 each.\n#### 17"
