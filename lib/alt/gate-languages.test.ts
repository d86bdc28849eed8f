import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { cleanAltText } from './clean';
import { passesGate } from './gate';
import { loadLanguageIdentifier } from './language';

/** The gate and cleaner with a locale: each language's openers, preambles, labels, refusals and function words. */

const none = { tags: [] };

beforeAll(() => loadLanguageIdentifier());

describe('describing openers are removed in the asked language', () => {
  it.each([
    ['fr', "Image d'un sac à dos en toile bleu marine avec des bretelles en cuir fauve.", 'Sac à dos en toile bleu marine avec des bretelles en cuir fauve.'],
    ['fr', 'Photo de bottines en cuir noir à talon épais avec fermeture éclair latérale.', 'Bottines en cuir noir à talon épais avec fermeture éclair latérale.'],
    ['fr', 'Cette image montre une tasse à café en céramique gris mat avec une anse en bois.', 'Tasse à café en céramique gris mat avec une anse en bois.'],
    ['fr', "Photo de l'écharpe en laine rouge pliée sur une table en bois clair.", 'Écharpe en laine rouge pliée sur une table en bois clair.'],
    ['de', 'Bild von einem marineblauen Rucksack aus Canvas mit hellbraunen Lederriemen.', 'Marineblauen Rucksack aus Canvas mit hellbraunen Lederriemen.'],
    ['de', 'Foto von schwarzen Stiefeletten aus Leder mit Blockabsatz und Reißverschluss.', 'Schwarzen Stiefeletten aus Leder mit Blockabsatz und Reißverschluss.'],
    ['de', 'Dieses Bild zeigt einen Kaffeebecher aus Keramik in mattem Grau mit Holzgriff.', 'Kaffeebecher aus Keramik in mattem Grau mit Holzgriff.'],
    ['es', 'Imagen de una mochila de lona azul marino con correas de cuero marrón claro.', 'Mochila de lona azul marino con correas de cuero marrón claro.'],
    ['es', 'Foto de botines de cuero negro con tacón ancho y cremallera lateral.', 'Botines de cuero negro con tacón ancho y cremallera lateral.'],
    ['it', 'Immagine di uno zaino in tela blu navy con spallacci in pelle color cuoio.', 'Zaino in tela blu navy con spallacci in pelle color cuoio.'],
    ['it', 'Foto di stivaletti in pelle nera con tacco largo e cerniera laterale.', 'Stivaletti in pelle nera con tacco largo e cerniera laterale.'],
    ['pt', 'Imagem de uma mochila de lona azul-marinho com alças de couro castanho-claro.', 'Mochila de lona azul-marinho com alças de couro castanho-claro.'],
    ['pt', 'Foto de botas de cano curto em couro preto com salto grosso.', 'Botas de cano curto em couro preto com salto grosso.'],
    ['nl', 'Afbeelding van een marineblauwe canvas rugzak met lichtbruine leren bandjes.', 'Marineblauwe canvas rugzak met lichtbruine leren bandjes.'],
    ['nl', 'Foto van zwarte leren enkellaarsjes met een blokhak en een rits.', 'Zwarte leren enkellaarsjes met een blokhak en een rits.'],
  ])('%s: %s', (locale, raw, clean) => {
    expect(passesGate(raw, none, { locale })).toEqual({ pass: true, text: clean });
  });

  it('does not take a word that merely starts like an opener ("Photo dentelle…" is not "Photo de")', () => {
    expect(cleanAltText('Photographie encadrée en noir et blanc d\u2019un phare breton.', { locale: 'fr' })).toBe('Photographie encadrée en noir et blanc d\u2019un phare breton.');
  });

  it('leaves another language\'s opener alone: only the asked language\'s and English\'s are removed', () => {
    expect(cleanAltText('Bild von einem Rucksack aus Canvas mit Lederriemen.', { locale: 'fr' })).toBe('Bild von einem Rucksack aus Canvas mit Lederriemen.');
  });
});

describe('preambles and labels are removed in the asked language', () => {
  it.each([
    ['fr', 'Voici le texte alternatif : Sac à dos en toile bleu marine avec des bretelles en cuir.', 'Sac à dos en toile bleu marine avec des bretelles en cuir.'],
    ['fr', 'Texte alternatif : Bottines en cuir noir à talon épais avec fermeture éclair.', 'Bottines en cuir noir à talon épais avec fermeture éclair.'],
    ['de', 'Hier ist der Alt-Text: Schwarze Stiefeletten aus Leder mit Blockabsatz.', 'Schwarze Stiefeletten aus Leder mit Blockabsatz.'],
    ['de', 'Alternativtext: Weißes Baumwoll-T-Shirt, gefaltet neben einer Jeans.', 'Weißes Baumwoll-T-Shirt, gefaltet neben einer Jeans.'],
    ['es', 'Aquí está el texto alternativo: Botines de cuero negro con tacón ancho.', 'Botines de cuero negro con tacón ancho.'],
    ['it', 'Ecco il testo alternativo: Stivaletti in pelle nera con tacco largo.', 'Stivaletti in pelle nera con tacco largo.'],
    ['pt', 'Aqui está o texto alternativo: Botas de couro preto com salto grosso.', 'Botas de couro preto com salto grosso.'],
    ['nl', 'Hier is de alt-tekst: Zwarte leren enkellaarsjes met een blokhak.', 'Zwarte leren enkellaarsjes met een blokhak.'],
  ])('%s: %s', (locale, raw, clean) => {
    expect(passesGate(raw, none, { locale })).toEqual({ pass: true, text: clean });
  });
});

describe('refusals are refused in the asked language', () => {
  it.each([
    ['fr', 'Je suis désolé, je ne peux pas décrire cette image.'],
    ['fr', 'Désolée, mais cette photo est trop floue pour être décrite.'],
    ['fr', 'Il semble que je ne peux pas identifier le produit sur cette photo.'],
    ['fr', "En tant qu'IA, je préfère ne pas deviner la marque de ce produit."],
    ['de', 'Es tut mir leid, ich kann dieses Bild nicht beschreiben.'],
    ['de', 'Leider ist das Bild zu unscharf, um das Produkt zu erkennen.'],
    ['de', 'Ich bin nicht in der Lage, auf diesem Foto etwas zu erkennen.'],
    ['es', 'Lo siento, no puedo describir esta imagen.'],
    ['es', 'La imagen está borrosa y no puedo identificar el producto.'],
    ['it', 'Mi dispiace, non posso descrivere questa immagine.'],
    ['it', "L'immagine è sfocata e non riesco a riconoscere il prodotto."],
    ['pt', 'Desculpe, não consigo descrever esta imagem.'],
    ['pt', 'Sinto muito, mas a imagem está desfocada demais para descrever.'],
    ['nl', 'Het spijt me, ik kan deze afbeelding niet beschrijven.'],
    ['nl', 'Helaas is de foto te onscherp om het product te herkennen.'],
  ])('%s: %s', (locale, raw) => {
    expect(passesGate(raw, none, { locale })).toMatchObject({ pass: false, reason: 'refusal' });
  });

  it('still refuses an English refusal whatever the locale', () => {
    expect(passesGate("I'm sorry, I can't describe this image.", none, { locale: 'de' })).toMatchObject({ pass: false, reason: 'refusal' });
  });
});

describe("the asked language's function words are not keyword stuffing", () => {
  const french = 'Flacon de parfum en verre de Murano avec un bouchon de liège et une étiquette dorée.';

  it('passes a French sentence with "de" three times', () => {
    expect(passesGate(french, none, { locale: 'fr' })).toEqual({ pass: true, text: french });
  });

  it('counted "de" as stuffing without the locale (why the tables exist)', () => {
    expect(passesGate(french, none)).toMatchObject({ pass: false, reason: 'keyword_stuffing' });
  });

  it.each([
    ['de', 'Die Tasche aus Leder mit der Schnalle aus Messing und der Kette aus Stahl auf dem Tisch.'],
    ['es', 'Taza de café de cerámica de color gris con asa de madera sobre la mesa de la cocina.'],
    ['it', 'Tazza da caffè in ceramica di colore grigio con manico di legno e piattino di porcellana.'],
    ['pt', 'Caneca de café de cerâmica de cor cinza com alça de madeira sobre a mesa da cozinha.'],
    ['nl', 'De tas van leer met de gesp van messing en de ketting van staal op de tafel.'],
  ])('%s: %s', (locale, raw) => {
    expect(passesGate(raw, none, { locale })).toEqual({ pass: true, text: raw });
  });

  it('still refuses real keyword stuffing in French', () => {
    expect(passesGate('Robe rouge, robe longue, robe en soie, robe de soirée pour femme.', none, { locale: 'fr' })).toMatchObject({
      pass: false,
      reason: 'keyword_stuffing',
    });
  });
});

describe('the language check in the gate', () => {
  it('refuses an English answer to a French request with wrong_language and says why', () => {
    expect(passesGate('Navy blue canvas backpack with tan leather straps and a front zip pocket.', none, { locale: 'fr' })).toEqual({
      pass: false,
      reason: 'wrong_language',
      message: 'the answer is in English, not French as asked for locale fr',
      text: 'Navy blue canvas backpack with tan leather straps and a front zip pocket.',
    });
  });

  it('refuses a French answer that slips into English', () => {
    const verdict = passesGate('Sac à dos en toile bleu marine avec des bretelles en cuir fauve, shown on a plain white studio background.', none, { locale: 'fr' });
    expect(verdict).toMatchObject({ pass: false, reason: 'wrong_language', message: expect.stringMatching(/^the answer mixes languages/) });
  });

  it('refuses a French answer to an English request when the locale is given', () => {
    expect(passesGate('Sac à dos en toile bleu marine avec des bretelles en cuir fauve.', none, { locale: 'en' })).toMatchObject({ pass: false, reason: 'wrong_language' });
  });

  it('checks no language without a locale: a French text passes the English gate as before', () => {
    expect(passesGate('Sac à dos en toile bleu marine avec des bretelles en cuir fauve.', none)).toEqual({
      pass: true,
      text: 'Sac à dos en toile bleu marine avec des bretelles en cuir fauve.',
    });
  });
});

interface GateCase {
  id: string;
  raw: string;
  context: { filename?: string; tags?: string[]; title?: string };
}

const casesFile = fixturePath('alt-outputs', 'gate-cases.jsonl');
const available = fixturesAvailable() && fs.existsSync(casesFile);
const cases: GateCase[] = available
  ? fs
      .readFileSync(casesFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as GateCase)
  : [];

describe.skipIf(!available)('the shared English cases with locale en', () => {
  it.each(cases.map((gateCase) => [gateCase.id, gateCase] as const))('%s gets the same verdict as without a locale', (_id, gateCase) => {
    const context = { tags: gateCase.context.tags ?? [], title: gateCase.context.title, filename: gateCase.context.filename };
    expect(passesGate(gateCase.raw, context, { locale: 'en' })).toEqual(passesGate(gateCase.raw, context));
  });
});
