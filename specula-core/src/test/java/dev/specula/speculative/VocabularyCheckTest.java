package dev.specula.speculative;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VocabularyCheckTest {
    private static final String[] TARGET = {"<unk>", "<s>", "</s>", "▁a", "▁b", "▁c", "d", "e"};
    private static final boolean[] SPECIAL = {true, true, true, false, false, false, false, false};

    @Test
    void acceptsTheSameVocabulary() {
        assertThatCode(() -> VocabularyCheck.requireCompatible(TARGET, SPECIAL, TARGET.clone(), SPECIAL.clone()))
                .doesNotThrowAnyException();
    }

    @Test
    void toleratesDifferentTextForTokensSpecialOnBothSides() {
        String[] draft = TARGET.clone();
        draft[2] = "<|endoftext|>";
        assertThatCode(() -> VocabularyCheck.requireCompatible(TARGET, SPECIAL, draft, SPECIAL)).doesNotThrowAnyException();
    }

    @Test
    void refusesDifferingTokensNamingCountAndFirstIds() {
        String[] draft = TARGET.clone();
        draft[4] = "▁x";
        draft[7] = "f";
        boolean[] draftSpecial = SPECIAL.clone();
        draftSpecial[2] = false;
        draft[2] = "eos";
        assertThatThrownBy(() -> VocabularyCheck.requireCompatible(TARGET, SPECIAL, draft, draftSpecial))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 of 8 tokens differ")
                .hasMessageContaining("id 2: target \"</s>\", draft \"eos\"")
                .hasMessageContaining("id 4: target \"▁b\", draft \"▁x\"")
                .hasMessageContaining("id 7: target \"e\", draft \"f\"");
    }

    @Test
    void refusesADifferentSize() {
        String[] draft = {"<unk>", "<s>", "</s>", "▁a", "▁b", "▁c"};
        boolean[] draftSpecial = {true, true, true, false, false, false};
        assertThatThrownBy(() -> VocabularyCheck.requireCompatible(TARGET, SPECIAL, draft, draftSpecial))
                .hasMessageContaining("2 of 8 tokens differ")
                .hasMessageContaining("target has 8 tokens, draft 6")
                .hasMessageContaining("id 6: target \"d\", draft (none)");
    }

    @Test
    void showsOnlyTheFirstFiveDifferences() {
        String[] draft = new String[TARGET.length];
        for (int i = 0; i < draft.length; i++) draft[i] = "z" + i;
        boolean[] none = new boolean[TARGET.length];
        assertThatThrownBy(() -> VocabularyCheck.requireCompatible(TARGET, SPECIAL, draft, none))
                .hasMessageContaining("8 of 8 tokens differ")
                .hasMessageContaining("id 4:")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("id 5:"));
    }
}
